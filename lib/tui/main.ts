import { hostname as osHostname } from 'node:os';
import { ConfigError } from '../config/errors.js';
import { ConfigLoader } from '../config/loader.js';
import { formatHelp, type ParsedFlags, parseFlags, UsageError } from '../flags/flags.js';
import { type BuildInfo, buildInfo, formatVersion } from '../version.js';
import { type MaglevtOptions, maglevtFlags, maglevtOptions } from './flags.js';
import {
  formatErrors,
  formatErrorTotals,
  formatSummary,
  formatTable,
  formatTitle,
  type RunInfo,
  tagStyle,
} from './format.js';
import { type FqdnResolver, resolveFqdn } from './fqdn.js';
import { failedVips, Monitor } from './monitor.js';
import type { ProbeOutcome } from './outcome.js';
import { ProbeAbortedError, VipProbe } from './probe.js';
import { Prober } from './prober.js';
import { TuiScreen } from './screen.js';
import { type LoadedConfig, type VipTarget, vipTargets } from './targets.js';

/**
 * Exit statuses of maglevt.
 *
 * @internal
 */
export const MAGLEVT_EXIT = Object.freeze({
  /** Quit from the screen, or (summary mode) every VIP answered at least once. */
  ok: 0,
  /** Summary mode: at least one VIP failed every probe. */
  failed: 1,
  /** Nothing was probed: a bad flag, an unusable configuration, or no VIP to probe. */
  usage: 2,
});

/**
 * Where SIGINT and SIGTERM come from: `process` in the binary, an emitter under test.
 *
 * @internal
 */
export interface MaglevtSignals {
  /** Adds a listener for the signal. */
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  /** Removes a listener added with on(). */
  off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/**
 * maglevt's view of its process: streams, environment, signals, clock. The binary passes the
 * real ones; tests pass their own.
 *
 * @internal
 */
export interface MaglevtIo {
  /** The screen in a terminal, else the summary; --help and --version go here too. */
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Usage and configuration errors. */
  readonly stderr: { write(text: string): unknown };
  /** Needed for the screen (keys); without a terminal here maglevt prints a summary. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** The environment the `MAGLEVT_*` (and `MAGLEV_CONFIG`) flag variables are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Ends the screen, or ends summary probing early (the summary is still printed). */
  readonly signals?: MaglevtSignals;
  /** The host name for the title; default os.hostname(). */
  readonly hostname?: () => string;
  /** DNS lookups for the FQDN in the title; default the system resolver. */
  readonly fqdnResolver?: FqdnResolver;
  /** What --version and the title report; default this build. */
  readonly build?: BuildInfo;
  /** Wall clock; default Date.now. */
  readonly now?: () => number;
}

const HELP = {
  program: 'maglevt',
  usage: 'maglevt [--config FILE]... [flags]',
  summary:
    'Probes every VIP of one or more maglev.yaml files from outside the load balancer, as clients\n' +
    'see them: latency, failures and which backend answered. In a terminal it runs a live screen\n' +
    '(q quit, p pause, r reset); with --once, or when stdin or stdout is not a terminal, it probes\n' +
    'for --duration, prints a summary and exits 1 when a VIP failed every probe.',
};

/** How often the screen is redrawn. */
const FRAME_MS = 250;

/**
 * maglevt as a function: the binary is a thin wrapper around this. Resolves to the exit status
 * ({@link MAGLEVT_EXIT}); never exits the process. Usage and configuration errors are written to
 * `io.stderr`, not thrown.
 *
 * @param argv - The arguments after the program name.
 * @internal
 */
export async function runMaglevt(argv: readonly string[], io: MaglevtIo): Promise<number> {
  let opts: MaglevtOptions;
  let parsed: ParsedFlags<typeof maglevtFlags>;
  const usage = (message: string) => {
    io.stderr.write(`maglevt: ${message}\nRun 'maglevt --help' for usage.\n`);
    return MAGLEVT_EXIT.usage;
  };
  try {
    parsed = parseFlags(maglevtFlags, argv, io.env);
    if (parsed.values.help) {
      io.stdout.write(formatHelp(maglevtFlags, HELP));
      return MAGLEVT_EXIT.ok;
    }
    if (parsed.values.version) {
      io.stdout.write(`${formatVersion('maglevt', io.build ?? buildInfo)}\n`);
      return MAGLEVT_EXIT.ok;
    }
    opts = maglevtOptions(parsed.values);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    throw e;
  }

  const loader = new ConfigLoader();
  const configs: LoadedConfig[] = [];
  for (const file of opts.configs) {
    try {
      configs.push({ file, config: await loader.load(file) });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      io.stderr.write(`maglevt: ${e.message}\n`);
      return MAGLEVT_EXIT.usage;
    }
  }
  const targets = vipTargets(configs, opts.filter);
  if (targets.length === 0) {
    io.stderr.write(
      opts.filter
        ? `maglevt: no frontend matches --filter ${JSON.stringify(opts.filter.source)}\n`
        : `maglevt: no frontends in ${opts.configs.join(', ')}\n`,
    );
    return MAGLEVT_EXIT.usage;
  }
  if (targets.every((t) => t.kind === null)) {
    io.stderr.write(
      `maglevt: none of the VIPs can be probed: ${targets.map((t) => `${t.name} (${t.reason})`).join(', ')}\n`,
    );
    return MAGLEVT_EXIT.usage;
  }

  const now = io.now ?? Date.now;
  const build = io.build ?? buildInfo;
  const host = (io.hostname ?? osHostname)();
  const info: RunInfo = {
    program: 'maglevt',
    version: build.version,
    fqdn: host,
    intervalMs: opts.intervalMs,
    timeoutMs: opts.timeoutMs,
    uri: opts.uri,
    keepalive: opts.keepalive,
  };
  const fqdn = resolveFqdn(host, io.fqdnResolver ? { resolver: io.fqdnResolver } : {});
  const monitor = new Monitor(targets, now());
  const probe = new VipProbe(opts);
  const prober = new Prober(targets, {
    intervalMs: opts.intervalMs,
    probe: (t, signal) => probeNeverThrows(probe, t, signal),
    onResult: (i, outcome) => monitor.record(i, outcome, now()),
  });

  const interactive = !opts.once && io.stdout.isTTY === true && io.stdin?.isTTY === true;
  try {
    if (!interactive) {
      prober.start();
      await untilSignalOr(io.signals, opts.durationMs);
      await prober.stop();
      const snapshot = monitor.snapshot(now());
      const failed = failedVips(snapshot);
      io.stdout.write(formatSummary({ ...info, fqdn: await fqdn }, snapshot, opts.header, failed));
      return failed.length === 0 ? MAGLEVT_EXIT.ok : MAGLEVT_EXIT.failed;
    }
    await runScreen(io, info, fqdn, monitor, prober, opts.header, now);
    return MAGLEVT_EXIT.ok;
  } finally {
    await prober.close();
    probe.close();
  }
}

/** A probe that failed in a way the probe does not know is a network error of its own. */
async function probeNeverThrows(probe: VipProbe, t: VipTarget, signal: AbortSignal): Promise<ProbeOutcome> {
  try {
    return await probe.probe(t, signal);
  } catch (e) {
    if (e instanceof ProbeAbortedError) throw e;
    return {
      kind: 'net-error',
      latencyMs: 0,
      code: 'ERROR',
      message: e instanceof Error ? e.message : String(e),
    };
  }
}

/** Resolves after `ms`, or earlier on SIGINT or SIGTERM. */
function untilSignalOr(signals: MaglevtSignals | undefined, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signals?.off('SIGINT', done);
      signals?.off('SIGTERM', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signals?.on('SIGINT', done);
    signals?.on('SIGTERM', done);
  });
}

async function runScreen(
  io: MaglevtIo,
  info: RunInfo,
  fqdn: Promise<string>,
  monitor: Monitor,
  prober: Prober,
  header: string,
  now: () => number,
): Promise<void> {
  let current = info;
  let quit: () => void = () => {};
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  const screen = new TuiScreen(
    {
      input: io.stdin as NodeJS.ReadableStream,
      output: io.stdout,
      ...(io.env.TERM ? { terminal: io.env.TERM } : {}),
    },
    {
      quit: () => quit(),
      togglePause: () => {
        if (prober.paused) prober.resume();
        else prober.pause();
        draw();
      },
      reset: () => {
        monitor.reset(now());
        draw();
      },
    },
  );
  const tags = tagStyle(screen.colors);
  function draw(): void {
    const snapshot = monitor.snapshot(now());
    screen.draw({
      title: tags.bold(tags.text(formatTitle(current, snapshot, prober.paused))),
      table: formatTable(snapshot, header, tags),
      errorsLabel: `errors: ${formatErrorTotals(snapshot.errorTotals)}`,
      errors: (rows) => formatErrors(snapshot.errors, tags, rows),
      footer: `{bold}q{/bold} quit  {bold}p{/bold} ${prober.paused ? 'resume' : 'pause'}  {bold}r{/bold} reset counters`,
    });
  }
  const onSignal = () => quit();
  io.signals?.on('SIGINT', onSignal);
  io.signals?.on('SIGTERM', onSignal);
  void fqdn.then((name) => {
    current = { ...current, fqdn: name };
  });
  prober.start();
  draw();
  const timer = setInterval(draw, FRAME_MS);
  try {
    await quitting;
  } finally {
    clearInterval(timer);
    io.signals?.off('SIGINT', onSignal);
    io.signals?.off('SIGTERM', onSignal);
    screen.destroy();
  }
}
