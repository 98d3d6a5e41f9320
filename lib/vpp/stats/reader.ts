import { closeSync, fstatSync } from 'node:fs';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import {
  type CounterSums,
  checkVersion,
  type DirectoryEntry,
  decodeEntry,
  readDirectory,
  readDirectoryEntry,
  readHeader,
  type SharedHeader,
  type StatsEntry,
  sumCounterColumns,
} from './decode.js';
import { StatsSegmentBusyError, StatsSegmentClosedError, StatsSegmentLayoutError } from './errors.js';
import { HEADER, StatType } from './layout.js';
import { loadNativeAddon, toSocketError } from './native.js';
import { FdSegmentSource, type SegmentSource } from './source.js';

/**
 * Options of {@link StatsSegmentReader}.
 *
 * @public
 */
export interface StatsSegmentReaderOptions {
  /** How long connect() waits for VPP to send the segment. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** How long one read keeps retrying while VPP rewrites the directory. Default 1000 ms. */
  maxBusyMs?: number;
  /** Where the native addon is looked for; default: the root of this package. */
  packageRoot?: string;
}

/**
 * One consistent view of the segment, valid only inside StatsSegmentReader.read(). Its methods
 * throw StatsSegmentLayoutError when a pointer leads outside the segment; read() retries that
 * while VPP is changing the segment.
 *
 * @public
 */
export interface StatsSegmentView {
  /** The entry with exactly this name, decoded; null when there is none. */
  get(name: string): StatsEntry | null;
  /** Names of all entries (empty slots left out), in directory order. */
  names(): string[];
  /** Decoded entries whose names pass `filter`, from one fresh copy of the directory. */
  select(filter: (name: string) => boolean): StatsEntry[];
  /**
   * A simple or combined counter summed over threads at `indexes` (all when undefined),
   * reading only the span of each vector they cover. Null when absent or not a counter.
   * Indexes past a thread's vector count as zero there.
   */
  sumCounters(name: string, indexes?: readonly number[]): CounterSums | null;
}

interface DirectoryCache {
  epoch: bigint;
  directoryVector: bigint;
  entries: DirectoryEntry[];
  byName: Map<string, number>;
}

function live(e: DirectoryEntry): boolean {
  return e.type !== StatType.empty && e.type !== StatType.illegal;
}

function matches(name: string, patterns: readonly RegExp[]): boolean {
  if (patterns.length === 0) return true;
  for (const p of patterns) {
    // A /g or /y pattern keeps state between test() calls; start each test from the beginning.
    p.lastIndex = 0;
    if (p.test(name)) return true;
  }
  return false;
}

/**
 * Reads VPP's stats segment without mapping it: the segment's memfd is received from VPP's
 * stats socket (through the native addon) and read with positioned reads. Every read follows
 * VPP's optimistic protocol: note the epoch, wait while a writer holds the segment, read, and
 * start over when the epoch moved meanwhile.
 *
 * One reader serves one segment at a time; connect() again after VPP restarts. Reads before
 * connect() or after close() reject with StatsSegmentClosedError; the errors of its own are
 * StatsSegmentError subclasses.
 *
 * @example
 * ```ts
 * const stats = new StatsSegmentReader();
 * await stats.connect('/run/vpp/stats.sock');
 * const { vips } = await readLbVipCounters(stats);
 * await stats.close();
 * ```
 * @public
 */
export class StatsSegmentReader {
  readonly #connectTimeoutMs: number;
  readonly #maxBusyMs: number;
  readonly #packageRoot: string | undefined;
  #source: SegmentSource | null = null;
  #fd: number | null = null;
  #cache: DirectoryCache | null = null;
  #retries = 0;

  constructor(options: StatsSegmentReaderOptions = {}) {
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.#maxBusyMs = options.maxBusyMs ?? 1000;
    this.#packageRoot = options.packageRoot;
  }

  /** Whether a segment is open (connect(), openFd() or open() succeeded and close() was not called). */
  get connected(): boolean {
    return this.#source !== null;
  }

  /** Read attempts so far that raced VPP changing the segment and were started over. */
  get retries(): number {
    return this.#retries;
  }

  /**
   * Size of the connected segment in bytes.
   *
   * @throws StatsSegmentClosedError when no segment is open.
   */
  get size(): number {
    return this.#require().size;
  }

  /**
   * Receives the segment from VPP's stats socket (`/run/vpp/stats.sock` by default in VPP) and
   * checks its layout version. Replaces a segment already open.
   *
   * @throws StatsAddonMissingError when the native addon is not built or does not load;
   *   StatsSocketError when the socket cannot be reached or sends no fd (its `code` says why);
   *   StatsSegmentVersionError for a layout this reader does not know; `signal`'s reason when
   *   aborted.
   */
  async connect(socketPath: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const addon = this.#packageRoot === undefined ? loadNativeAddon() : loadNativeAddon(this.#packageRoot);
    const pending = addon.recvFd(socketPath, this.#connectTimeoutMs).catch((err: unknown) => {
      throw toSocketError(socketPath, err);
    });
    const fd = await abortable(pending, signal, (late) => closeSync(late));
    try {
      this.openFd(fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /**
   * Reads the segment behind `fd` (a memfd or file); the reader owns the fd from now on, and
   * closes it on close() (but not when this throws).
   *
   * @throws StatsSegmentLayoutError when the file is shorter than the shared header;
   *   StatsSegmentVersionError for a layout this reader does not know.
   */
  openFd(fd: number): void {
    const { size } = fstatSync(fd);
    this.#install(new FdSegmentSource(fd, size), fd);
  }

  /**
   * Reads a segment from any source, e.g. a Buffer built by a test.
   *
   * @throws StatsSegmentLayoutError when the source is shorter than the shared header;
   *   StatsSegmentVersionError for a layout this reader does not know.
   */
  open(source: SegmentSource): void {
    this.#install(source, null);
  }

  #install(source: SegmentSource, fd: number | null): void {
    if (source.size < HEADER.size)
      throw new StatsSegmentLayoutError('shared header', 0, HEADER.size, source.size);
    checkVersion(readHeader(source));
    this.#closeNow();
    this.#source = source;
    this.#fd = fd;
  }

  /**
   * Runs `fn` against one consistent view of the segment and returns what it returns. `fn` may
   * run several times (once per attempt that raced a writer), so it must not have side effects.
   *
   * @throws StatsSegmentBusyError when VPP kept the segment busy longer than `maxBusyMs`;
   *   StatsSegmentLayoutError when the segment is broken under a stable epoch;
   *   StatsSegmentClosedError when no segment is open; whatever `fn` throws otherwise.
   */
  async read<T>(fn: (view: StatsSegmentView) => T, signal?: AbortSignal): Promise<T> {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const src = this.#require();
      const before = readHeader(src);
      checkVersion(before);
      if (before.inProgress === 0n) {
        let outcome:
          | { ok: true; value: T; cache: DirectoryCache }
          | { ok: false; error: StatsSegmentLayoutError };
        try {
          const cache = this.#directory(src, before);
          outcome = { ok: true, value: fn(this.#view(src, before, cache)), cache };
        } catch (err) {
          // Stale pointers read mid-update land outside the segment: a race, unless the epoch held.
          if (!(err instanceof StatsSegmentLayoutError)) throw err;
          outcome = { ok: false, error: err };
        }
        const after = readHeader(src);
        if (after.epoch === before.epoch && after.inProgress === 0n) {
          if (!outcome.ok) throw outcome.error;
          this.#cache = outcome.cache;
          return outcome.value;
        }
      }
      this.#retries++;
      const waited = performance.now() - started;
      if (waited >= this.#maxBusyMs) throw new StatsSegmentBusyError(attempt, waited);
      // VPP holds the segment for microseconds: yield once or twice, then back off a little.
      if (attempt < 3) await nextTurn(undefined, { signal });
      else await sleep(Math.min(2 ** (attempt - 3), 20), undefined, { signal });
    }
  }

  /** Names of the entries matching any of `patterns` (all entries when none are given). */
  ls(patterns: readonly RegExp[] = [], signal?: AbortSignal): Promise<string[]> {
    return this.read((view) => view.names().filter((n) => matches(n, patterns)), signal);
  }

  /** Decoded entries matching any of `patterns` (all entries when none are given). */
  dump(patterns: readonly RegExp[] = [], signal?: AbortSignal): Promise<StatsEntry[]> {
    return this.read((view) => view.select((name) => matches(name, patterns)), signal);
  }

  /** Decoded entries by exact name; names not in the segment are absent from the map. */
  dumpNames(names: readonly string[], signal?: AbortSignal): Promise<Map<string, StatsEntry>> {
    return this.read((view) => {
      const out = new Map<string, StatsEntry>();
      for (const name of names) {
        const e = view.get(name);
        if (e) out.set(name, e);
      }
      return out;
    }, signal);
  }

  /** `/sys/boottime`: when VPP started, unix seconds (fractional); null for a VPP without that entry. */
  bootTime(signal?: AbortSignal): Promise<number | null> {
    return this.#scalar('/sys/boottime', signal);
  }

  /** `/sys/heartbeat`: bumped by VPP at each stats update (every 10 s by default). */
  heartbeat(signal?: AbortSignal): Promise<number | null> {
    return this.#scalar('/sys/heartbeat', signal);
  }

  async #scalar(name: string, signal?: AbortSignal): Promise<number | null> {
    const e = await this.read((view) => view.get(name), signal);
    return e?.kind === 'scalar' ? e.value : null;
  }

  /** Closes the segment's fd, if the reader owns one. The reader can connect() again afterwards. */
  async close(): Promise<void> {
    this.#closeNow();
  }

  #closeNow(): void {
    const fd = this.#fd;
    this.#source = null;
    this.#fd = null;
    this.#cache = null;
    if (fd !== null) closeSync(fd);
  }

  #require(): SegmentSource {
    if (!this.#source) throw new StatsSegmentClosedError();
    return this.#source;
  }

  /** The directory for this epoch: names and types do not change while the epoch holds. */
  #directory(src: SegmentSource, header: SharedHeader): DirectoryCache {
    const c = this.#cache;
    if (c && c.epoch === header.epoch && c.directoryVector === header.directoryVector) return c;
    const entries = readDirectory(src, header);
    const byName = new Map<string, number>();
    for (const e of entries) if (live(e) && !byName.has(e.name)) byName.set(e.name, e.index);
    return { epoch: header.epoch, directoryVector: header.directoryVector, entries, byName };
  }

  #view(src: SegmentSource, header: SharedHeader, cache: DirectoryCache): StatsSegmentView {
    return {
      get: (name) => {
        const index = cache.byName.get(name);
        if (index === undefined) return null;
        // Scalars and gauges change in place without an epoch bump: read the slot afresh.
        const entry = readDirectoryEntry(src, header, index);
        if (entry.name !== name) return null;
        return decodeEntry(src, header, entry, cache.entries);
      },
      names: () => cache.entries.filter(live).map((e) => e.name),
      select: (filter) => {
        const fresh = readDirectory(src, header);
        const out: StatsEntry[] = [];
        for (const e of fresh) {
          if (!live(e) || !filter(e.name)) continue;
          const decoded = decodeEntry(src, header, e, fresh);
          if (decoded) out.push(decoded);
        }
        return out;
      },
      sumCounters: (name, indexes) => {
        const index = cache.byName.get(name);
        if (index === undefined) return null;
        const entry = readDirectoryEntry(src, header, index);
        return entry.name === name ? sumCounterColumns(src, header, entry, indexes) : null;
      },
    };
  }
}

/**
 * Awaits `pending` unless `signal` aborts first. A result that arrives after the abort is
 * handed to `discard` so a received fd is not leaked.
 */
function abortable<T>(
  pending: Promise<T>,
  signal: AbortSignal | undefined,
  discard: (late: T) => void,
): Promise<T> {
  if (!signal) return pending;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      reject(signal.reason);
    };
    pending.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return discard(v);
        settled = true;
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(err);
      },
    );
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
