/**
 * The native probe engine (native/probe_engine.c and native/icmp.c in the vpp_maglev_native
 * addon): TCP, plain HTTP and ICMP echo probes on an epoll set of their own, polled from Node's
 * event loop; results come back in batches, one call per loop turn.
 * This side prepares each target once (address, request bytes, accepted statuses), hands out
 * probes, turns the engine's numeric results into ProbeResults with the same codes and details
 * as the JS probes, and runs the response regex, whose syntax is JavaScript's.
 */
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { getSystemErrorMap, getSystemErrorName } from 'node:util';
import type { HealthCheckConfig } from '../../config/types.js';
import { findPackageRoot, nativeAddonPath } from '../../util/native-addon.js';
import type { ProbeResult } from '../types.js';
import { ABORTED_DETAIL, type ProbeTarget, sourceAddress, timeoutDetail } from './common.js';
import { compiledRegex, DEFAULT_HTTP_PARAMS, statusAccepted, USER_AGENT } from './http.js';

/** What the addon exports for the engine. */
interface ProbeEngineAddon {
  probeEngineCreate(
    onResults: (records: Int32Array, count: number, bodies: Buffer | undefined) => void,
  ): EngineObject;
}

/** An engine: functions bound to it in the addon. */
interface EngineObject {
  /** A prepared target's id in the engine. */
  prepare(
    kind: number,
    family: 4 | 6,
    address: string,
    port: number,
    source: string | null,
    timeoutMs: number,
    request: Buffer | null,
    ranges: Int32Array | null,
    flags: number,
  ): number;
  release(id: number): void;
  /** Starts `count` probes given as (slot, seq, id) triples. */
  startBatch(ints: Int32Array, count: number): void;
  cancel(slot: number, seq: number): void;
  ref(ref: boolean): void;
  close(): void;
}

const KIND_TCP = 0;
const KIND_HTTP = 1;
const KIND_ICMP = 2;
const FLAG_HEAD = 1;
const FLAG_BODY = 2;
const RECORD_INTS = 6;

// Result codes of native/probe_engine.c.
const R_L4OK = 0;
const R_L4TOUT = 1;
const R_L4CON = 2;
const R_L7TOUT = 3;
const R_L7RSP = 4;
const R_L7RSP_BODY = 5;
const R_L7STS = 6;
const R_L7OK = 7;
const R_BODY = 8;
const R_ICMP_REPLY = 9;
const R_ICMP_SOCKET = 10;
const R_ICMP_BIND = 11;
const R_ICMP_SEND = 12;
const R_ICMP_ERROR = 13;

/** The engine's parse errors, named as Node's HTTP parser (llhttp) names the same faults. */
const PARSE_ERRORS: Record<number, string> = {
  [-1]: 'HPE_INVALID_CONSTANT',
  [-2]: 'HPE_INVALID_VERSION',
  [-3]: 'HPE_INVALID_STATUS',
  [-4]: 'HPE_INVALID_HEADER_TOKEN',
  [-5]: 'HPE_HEADER_OVERFLOW',
  [-6]: 'HPE_INVALID_CONTENT_LENGTH',
  [-7]: 'HPE_INVALID_CHUNK_SIZE',
};

const loaded = new Map<string, ProbeEngineAddon | Error>();

function isEngineAddon(m: unknown): m is ProbeEngineAddon {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return typeof r['probeEngineCreate'] === 'function';
}

/** Loads the addon's engine once; an Error says why it is unavailable (then JS probes run). */
export function loadProbeEngineAddon(
  packageRoot: string | null = findPackageRoot(),
): ProbeEngineAddon | Error {
  if (packageRoot === null) return new Error('vpp-maglev package root not found');
  const path = nativeAddonPath(packageRoot);
  let addon = loaded.get(path);
  if (addon === undefined) {
    try {
      const m: unknown = createRequire(import.meta.url)(path);
      addon = isEngineAddon(m) ? m : new Error(`${path} has no probe engine (a stale build?)`);
    } catch (err) {
      addon = new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    loaded.set(path, addon);
  }
  return addon;
}

/** `${prefix} ${name}` per errno or parse error, made once: failures repeat. */
function cachedDetail(cache: Map<number, string>, prefix: string, value: number): string {
  let d = cache.get(value);
  if (d === undefined) {
    d = `${prefix} ${errnoName(value)}`;
    cache.set(value, d);
  }
  return d;
}
const connectDetails = new Map<number, string>();
const responseDetails = new Map<number, string>();
const bodyDetails = new Map<number, string>();

const errnoNames = new Map<number, string>();
function errnoName(value: number): string {
  if (value < 0) return PARSE_ERRORS[value] ?? `parse error ${value}`;
  let name = errnoNames.get(value);
  if (name === undefined) {
    try {
      name = getSystemErrorName(-value);
    } catch {
      name = `errno ${value}`;
    }
    errnoNames.set(value, name);
  }
  return name;
}

/** libuv's text for an errno ("operation not permitted"), as net-ping's details had it. */
const errnoMessages = new Map<number, string>();
function errnoMessage(value: number): string {
  let text = errnoMessages.get(value);
  if (text === undefined) {
    text = getSystemErrorMap().get(-value)?.[1] ?? `errno ${value}`;
    errnoMessages.set(value, text);
  }
  return text;
}

/** The detail of an ICMP socket that could not be opened (or bound to its source). */
export function icmpSocketDetail(errno: number, source: string | null = null): string {
  const message = errnoMessage(errno);
  if (source !== null) return `icmp socket: bind ${source}: ${message}`;
  // The raw socket's errno: only CAP_NET_RAW is sure to grant it (a ping socket, the fallback,
  // also needs the group in net.ipv4.ping_group_range, and was refused as well).
  return errno === constants.errno.EPERM || errno === constants.errno.EACCES
    ? `icmp socket: ${message} (needs CAP_NET_RAW)`
    : `icmp socket: ${message}`;
}

/** ICMP (IPv4) and ICMPv6 error messages by type, named as net-ping named them. */
const ICMP4_ERRORS: Record<number, string> = {
  3: 'destination unreachable',
  11: 'time exceeded',
  12: 'parameter problem',
};
const ICMP6_ERRORS: Record<number, string> = {
  1: 'destination unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  4: 'parameter problem',
};

function icmpErrorDetail(family: 4 | 6, value: number, sender: string): string {
  const type = value & 0xff;
  const name = (family === 4 ? ICMP4_ERRORS : ICMP6_ERRORS)[type] ?? `unknown response type '${type}'`;
  return `icmp ${name} (source=${sender})`;
}

const statusDetails = new Map<number, string>();
function statusDetail(status: number): string {
  let d = statusDetails.get(status);
  if (d === undefined) {
    d = `status ${status}`;
    statusDetails.set(status, d);
  }
  return d;
}

const timeoutDetails = new Map<number, string>();
function timeoutText(ms: number): string {
  let d = timeoutDetails.get(ms);
  if (d === undefined) {
    d = timeoutDetail(ms);
    timeoutDetails.set(ms, d);
  }
  return d;
}

// What Node's http.request refuses before it sends anything (its own checks, same patterns).
const INVALID_PATH = /[^\u0021-\u00ff]/;
const INVALID_HEADER_VALUE = /[^\t\u0020-\u007e\u0080-\u00ff]/;

/**
 * The request Node's http.request would write for this check: the same method, path and
 * headers in the same order (User-Agent, Accept, Host, Connection: close), as Latin-1.
 * A string instead is the detail of a request Node would refuse.
 */
export function httpRequestBytes(target: ProbeTarget): Buffer | string {
  const hc = target.healthcheck;
  const params = hc.http ?? DEFAULT_HTTP_PARAMS;
  const port = hc.port ?? 80;
  if (INVALID_PATH.test(params.path)) return 'request ERR_UNESCAPED_CHARACTERS';
  let host: string;
  if (params.host !== null) {
    if (INVALID_HEADER_VALUE.test(params.host)) return 'request ERR_INVALID_CHAR';
    host = `host: ${params.host}`;
  } else {
    const name = target.address.includes(':') ? `[${target.address}]` : target.address;
    host = `Host: ${port === 80 ? name : `${name}:${port}`}`;
  }
  const head =
    `${params.method} ${params.path} HTTP/1.1\r\n` +
    `user-agent: ${USER_AGENT}\r\naccept: */*\r\n${host}\r\nConnection: close\r\n\r\n`;
  return Buffer.from(head, 'latin1');
}

/** The target's id in the engine, or the detail of a request Node would refuse to send. */
function prepare(engine: EngineObject, target: ProbeTarget): number | string {
  const hc: HealthCheckConfig = target.healthcheck;
  const source = sourceAddress(target) ?? null;
  if (hc.type === 'icmp') {
    return engine.prepare(KIND_ICMP, target.family, target.address, 0, source, hc.timeout, null, null, 0);
  }
  if (hc.type === 'tcp') {
    return engine.prepare(
      KIND_TCP,
      target.family,
      target.address,
      hc.port ?? 0,
      source,
      hc.timeout,
      null,
      null,
      0,
    );
  }
  const params = hc.http ?? DEFAULT_HTTP_PARAMS;
  const request = httpRequestBytes(target);
  if (typeof request === 'string') return request;
  const ranges = new Int32Array(params.responseCodes.flatMap((r) => [r.from, r.to]));
  const flags = (params.method === 'HEAD' ? FLAG_HEAD : 0) | (params.responseRegex !== null ? FLAG_BODY : 0);
  return engine.prepare(
    KIND_HTTP,
    target.family,
    target.address,
    hc.port ?? 80,
    source,
    hc.timeout,
    request,
    ranges,
    flags,
  );
}

/**
 * Receives a probe's result, with the context given to start().
 *
 * @public
 */
export type ProbeCallback<C> = (context: C, result: ProbeResult) => void;

interface Pending {
  readonly slot: number;
  readonly seq: number;
  readonly target: ProbeTarget;
  /** The prepared target's id; -1 when the probe is answered without the engine. */
  readonly spec: number;
  readonly done: ProbeCallback<unknown>;
  readonly context: unknown;
}

/**
 * A ticket is the slot in its low 20 bits and the low 10 bits of the probe's seq above them:
 * a small integer (V8 keeps it unboxed), and a stale ticket cannot cancel the slot's next
 * probe unless 1,024 probes went through that one slot meanwhile.
 */
const SLOT_BITS = 20;
const SLOTS = 1 << SLOT_BITS;
const TICKET_SEQ_MASK = 0x3ff;

/**
 * TCP, HTTP and ICMP probes through the native engine, set up on the first probe. Only `tcp`,
 * `http` and `icmp` targets are accepted.
 */
export class NativeProbeEngine {
  private engine: EngineObject | null = null;
  private readonly pending: (Pending | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private seq = 0;
  private inflight = 0;
  private closed = false;
  /**
   * Prepared per target object: a backend's target lives until its address or check changes.
   * An id, the detail of a request that cannot be sent, or null: not for this engine.
   */
  private readonly specs = new WeakMap<ProbeTarget, number | string | null>();
  /** Releases a target's id in the engine once the target object is gone. */
  private readonly released = new FinalizationRegistry<number>((id) => {
    if (!this.closed) this.engine?.release(id);
  });
  /** Probes started this turn, handed to the engine in one call at its end. */
  private batch: Pending[] = [];
  private batchInts = new Int32Array(3 * 64);

  constructor(private readonly api: ProbeEngineAddon) {}

  /** The engine, or why there is none (the addon is missing or too old). */
  static open(packageRoot?: string | null): NativeProbeEngine | Error {
    const api = loadProbeEngineAddon(packageRoot);
    return api instanceof Error ? api : new NativeProbeEngine(api);
  }

  /**
   * Starts one probe; `done(context, result)` is called once, on a later turn, unless the
   * ticket is cancelled first. Null when the engine cannot take this target (an address the
   * addon does not parse): then a JS probe must run it.
   */
  start<C>(target: ProbeTarget, done: ProbeCallback<C>, context: C): number | null {
    let spec = this.specs.get(target);
    if (spec === undefined) {
      spec = null;
      if (!this.closed) {
        try {
          spec = prepare(this.open(), target);
          if (typeof spec === 'number') this.released.register(target, spec);
        } catch {
          spec = null;
        }
      }
      this.specs.set(target, spec);
    }
    if (spec === null) return this.closed ? this.answer(target, done, context, cancelled(0)) : null;
    if (typeof spec === 'string') {
      return this.answer(target, done, context, { ok: false, code: 'L7RSP', detail: spec, durationMs: 0 });
    }
    if (this.freeSlots.length === 0 && this.pending.length >= SLOTS) return null;
    const p = this.add(target, spec, done, context);
    if (this.closed) {
      queueMicrotask(() => this.settle(p.slot, p.seq, cancelled(0)));
    } else {
      if (this.batch.length === 0) queueMicrotask(this.flush);
      this.batch.push(p);
    }
    return ((p.seq & TICKET_SEQ_MASK) << SLOT_BITS) | p.slot;
  }

  /** A probe answered without the engine, on a later turn like every other result. */
  private answer<C>(target: ProbeTarget, done: ProbeCallback<C>, context: C, result: ProbeResult): number {
    const p = this.add(target, -1, done, context);
    queueMicrotask(() => this.settle(p.slot, p.seq, result));
    return ((p.seq & TICKET_SEQ_MASK) << SLOT_BITS) | p.slot;
  }

  private add<C>(target: ProbeTarget, spec: number, done: ProbeCallback<C>, context: C): Pending {
    const slot = this.freeSlots.pop() ?? this.pending.length;
    this.seq = (this.seq + 1) & 0x7fffffff;
    const p: Pending = { slot, seq: this.seq, target, spec, done: done as ProbeCallback<unknown>, context };
    this.pending[slot] = p;
    if (this.inflight++ === 0 && !this.closed && this.engine) this.engine.ref(true);
    return p;
  }

  /** Hands this turn's probes to the engine: one call, whatever their number. */
  private readonly flush = (): void => {
    const batch = this.batch;
    this.batch = [];
    if (this.closed || !this.engine) return;
    if (this.batchInts.length < 3 * batch.length) this.batchInts = new Int32Array(6 * batch.length);
    const ints = this.batchInts;
    let n = 0;
    for (const p of batch) {
      // Cancelled before the turn ended: it never starts.
      if (this.pending[p.slot] !== p) continue;
      ints[3 * n] = p.slot;
      ints[3 * n + 1] = p.seq;
      ints[3 * n + 2] = p.spec;
      n++;
    }
    if (n > 0) this.engine.startBatch(ints, n);
  };

  /** Drops a probe started with start(); its callback is not called. */
  cancel(ticket: number): void {
    const slot = ticket & (SLOTS - 1);
    const p = this.pending[slot];
    if (p === undefined || (p.seq & TICKET_SEQ_MASK) !== ticket >>> SLOT_BITS) return;
    // One still in this turn's batch never starts: flush skips what is no longer pending.
    if (p.spec >= 0) this.engine?.cancel(slot, p.seq);
    this.release(slot);
  }

  /** start() as a promise, cancelled by `signal`; null as for start(). */
  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> | null {
    let ticket: number | null = null;
    let onAbort: (() => void) | null = null;
    const promise = new Promise<ProbeResult>((resolve) => {
      ticket = this.start(
        target,
        (_: null, r: ProbeResult) => {
          if (onAbort) signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        null,
      );
      if (ticket === null || !signal) return;
      const t = ticket;
      onAbort = () => {
        this.cancel(t);
        resolve(cancelled(0));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    return ticket === null ? null : promise;
  }

  /** Stops the engine; probes still in flight end as cancelled. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine?.close();
    for (let slot = 0; slot < this.pending.length; slot++) {
      const p = this.pending[slot];
      if (p) this.settle(slot, p.seq, cancelled(0));
    }
  }

  private open(): EngineObject {
    if (!this.engine) {
      this.engine = this.api.probeEngineCreate(this.onResults);
      if (this.inflight > 0) this.engine.ref(true);
    }
    return this.engine;
  }

  private release(slot: number): void {
    this.pending[slot] = undefined;
    this.freeSlots.push(slot);
    if (--this.inflight === 0 && !this.closed) this.engine?.ref(false);
  }

  private settle(slot: number, seq: number, result: ProbeResult): void {
    const p = this.pending[slot];
    if (p === undefined || p.seq !== seq) return;
    this.release(slot);
    p.done(p.context, result);
  }

  private readonly onResults = (records: Int32Array, count: number, bodies: Buffer | undefined): void => {
    let offset = 0;
    const end = count * RECORD_INTS;
    for (let i = 0; i < end; i += RECORD_INTS) {
      const slot = records[i] as number;
      const bodyLength = records[i + 5] as number;
      const bodyStart = offset;
      offset += bodyLength;
      const p = this.pending[slot];
      // A result for a probe cancelled meanwhile (and its slot perhaps reused) is stale.
      if (p === undefined || p.seq !== records[i + 1]) continue;
      this.release(slot);
      const code = records[i + 2] as number;
      const value = records[i + 3] as number;
      const durationMs = (records[i + 4] as number) / 1000;
      p.done(p.context, toResult(p.target, code, value, durationMs, bodies, bodyStart, bodyLength));
    }
  };
}

function cancelled(durationMs: number): ProbeResult {
  return { ok: false, code: 'L4CON', detail: ABORTED_DETAIL, durationMs };
}

function toResult(
  target: ProbeTarget,
  code: number,
  value: number,
  durationMs: number,
  bodies: Buffer | undefined,
  start: number,
  length: number,
): ProbeResult {
  switch (code) {
    case R_L4OK:
      return { ok: true, code: 'L4OK', detail: 'connected', durationMs };
    case R_ICMP_REPLY:
      return { ok: true, code: 'L4OK', detail: 'echo reply', durationMs };
    case R_ICMP_SOCKET:
      return { ok: false, code: 'SOCKERR', detail: icmpSocketDetail(value), durationMs };
    case R_ICMP_BIND:
      return {
        ok: false,
        code: 'SOCKERR',
        detail: icmpSocketDetail(value, sourceAddress(target) ?? ''),
        durationMs,
      };
    case R_ICMP_SEND:
      return { ok: false, code: 'L4CON', detail: `icmp ${errnoMessage(value)}`, durationMs };
    case R_ICMP_ERROR: {
      const sender = bodies && length > 0 ? bodies.toString('latin1', start, start + length) : '';
      return { ok: false, code: 'L4CON', detail: icmpErrorDetail(target.family, value, sender), durationMs };
    }
    case R_L4TOUT:
      return { ok: false, code: 'L4TOUT', detail: timeoutText(target.healthcheck.timeout), durationMs };
    case R_L4CON:
      return { ok: false, code: 'L4CON', detail: cachedDetail(connectDetails, 'connect', value), durationMs };
    case R_L7TOUT:
      return { ok: false, code: 'L7TOUT', detail: timeoutText(target.healthcheck.timeout), durationMs };
    case R_L7RSP:
      return {
        ok: false,
        code: 'L7RSP',
        detail: cachedDetail(responseDetails, 'response', value),
        durationMs,
      };
    case R_L7RSP_BODY:
      return { ok: false, code: 'L7RSP', detail: cachedDetail(bodyDetails, 'body', value), durationMs };
    case R_L7STS:
      return { ok: false, code: 'L7STS', detail: statusDetail(value), durationMs };
    case R_L7OK:
      return { ok: true, code: 'L7OK', detail: statusDetail(value), durationMs };
    case R_BODY: {
      const params = target.healthcheck.http ?? DEFAULT_HTTP_PARAMS;
      // The engine checked the status already; this only guards a stale spec.
      if (!statusAccepted(value, params.responseCodes)) {
        return { ok: false, code: 'L7STS', detail: statusDetail(value), durationMs };
      }
      if (params.responseRegex === null) {
        return { ok: true, code: 'L7OK', detail: statusDetail(value), durationMs };
      }
      const re = compiledRegex(params.responseRegex);
      if (re instanceof Error) {
        return { ok: false, code: 'L7RSP', detail: `invalid response-regex: ${re.message}`, durationMs };
      }
      const body = bodies && length > 0 ? bodies.toString('utf8', start, start + length) : '';
      return re.test(body)
        ? { ok: true, code: 'L7OK', detail: statusDetail(value), durationMs }
        : {
            ok: false,
            code: 'L7RSP',
            detail: `body does not match /${params.responseRegex}/`,
            durationMs,
          };
    }
    default:
      return { ok: false, code: 'L4CON', detail: `probe engine: unknown result ${code}`, durationMs };
  }
}
