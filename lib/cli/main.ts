import { MaglevClient, type MaglevClientOptions } from '../api/client.js';
import { type FlagSpecs, formatHelp, parseFlags, UsageError } from '../flags/flags.js';
import { type ClientTlsFlag, clientTlsSettings, loadClientTls, TlsFileError } from '../util/tls-files.js';
import { type BuildInfo, buildInfo, formatVersion } from '../version.js';
import { isPreview, PREVIEW_EXIT, runCommand } from './commands.js';
import { describeError } from './errors.js';
import { type ColorMode, ColorModeError, colorOn, makeStyle, parseColorMode } from './format.js';
import { parseServerAddress, ServerAddressError } from './server-address.js';
import { runShell, type ShellInput, type ShellOutput } from './shell.js';
import { type CommandName, MAGLEVC_TREE } from './tree.js';
import { CommandSyntaxError, type ParsedCommand, parseCommand } from './walk.js';

/**
 * maglevc's flags. Each falls back to a `MAGLEV_*` variable (`MAGLEV_SERVER`, `MAGLEV_TLS_CA`,
 * ...), so a shell profile can point maglevc at a remote maglevd, and say how to reach it, once.
 * The `--tls-*` flags say how maglevc reaches maglevd; any of them turns TLS on.
 *
 * @internal
 */
export const maglevcFlags = {
  server: {
    kind: 'string',
    env: ['MAGLEV_SERVER'],
    default: 'localhost:9090',
    valueName: 'HOST:PORT',
    description: "address of maglevd's gRPC API: HOST:PORT, [IPV6]:PORT or unix:///PATH",
  },
  tls: {
    kind: 'boolean',
    env: ['MAGLEV_TLS'],
    default: false,
    description: "reach maglevd over TLS, trusting the system's CAs (implied by any --tls-* flag)",
  },
  'tls-ca': {
    kind: 'string',
    env: ['MAGLEV_TLS_CA'],
    default: '',
    valueName: 'FILE',
    description: "PEM file of the CA that signs maglevd's certificate (instead of the system's CAs)",
  },
  'tls-cert': {
    kind: 'string',
    env: ['MAGLEV_TLS_CERT'],
    default: '',
    valueName: 'FILE',
    description: "PEM file of this client's certificate, for a maglevd that requires one (with --tls-key)",
  },
  'tls-key': {
    kind: 'string',
    env: ['MAGLEV_TLS_KEY'],
    default: '',
    valueName: 'FILE',
    description: 'PEM file of the private key of --tls-cert',
  },
  'tls-server-name': {
    kind: 'string',
    env: ['MAGLEV_TLS_SERVER_NAME'],
    default: '',
    valueName: 'NAME',
    description: "the name maglevd's certificate must carry (default: the host of --server)",
  },
  color: {
    kind: 'string',
    env: ['MAGLEV_COLOR'],
    default: 'auto',
    bareValue: 'always',
    valueName: 'WHEN',
    description:
      'colour labels and errors: always (--color alone, true), never (false), or auto: on a terminal ' +
      'unless NO_COLOR is set',
  },
  version: {
    kind: 'boolean',
    default: false,
    description: 'print version, commit and build date, then exit',
  },
  help: { kind: 'boolean', default: false, aliases: ['h'], description: 'show this help' },
} as const satisfies FlagSpecs;

/**
 * Exit statuses of maglevc.
 *
 * @internal
 */
export const MAGLEVC_EXIT = Object.freeze({
  /** The command ran (or the shell ended normally). */
  ok: 0,
  /** The command failed: maglevd refused it, was unreachable, or rejected the config. */
  failed: 1,
  /** The command line is wrong: a bad flag, or words maglevc does not know. */
  usage: 2,
});

/**
 * Where SIGINT comes from: `process` in the binary, an emitter under test.
 *
 * @internal
 */
export interface SignalSource {
  /** Adds a listener for SIGINT. */
  on(event: 'SIGINT', listener: () => void): unknown;
  /** Removes a listener added with on(). */
  off(event: 'SIGINT', listener: () => void): unknown;
}

/**
 * maglevc's view of its process: streams, environment, signals, clock. The binary passes the
 * real ones; tests pass their own.
 *
 * @internal
 */
export interface MaglevcIo {
  /** Command output, --help and --version; its `columns` lays out lists in the shell. */
  readonly stdout: ShellOutput;
  /** `isTTY` decides, with `--color=auto`, whether errors are red. */
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** The shell's input: on a terminal, line editing and completion; otherwise read line by line. */
  readonly stdin: ShellInput;
  /** The environment `MAGLEV_SERVER`, `MAGLEV_TLS_*`, `MAGLEV_COLOR` and `NO_COLOR` are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Ends `watch events` on SIGINT; without it only keys and `num` end a one-shot watch. */
  readonly signals?: SignalSource;
  /** Clock for "how long ago"; default Date.now. */
  readonly now?: () => number;
  /** What --version and the shell's `show version` report; default this build. */
  readonly build?: BuildInfo;
}

const HELP = {
  program: 'maglevc',
  usage:
    'maglevc [--server host:port] [--tls-ca FILE [--tls-cert FILE --tls-key FILE]] [--color[=always|never|auto]] [command...]',
  summary:
    'Command-line client of maglevd. With a command, runs it once and exits (0 on success, 1 when\n' +
    'it failed, 2 when the command line is wrong); without one, opens an interactive shell.\n' +
    "'config diff' and any 'dry-run' exit like diff(1): 0 when nothing would change, 1 when\n" +
    'something would, 2 on errors.\n' +
    "Commands: run 'maglevc help'.",
};

/**
 * maglevc as a function: the binary is a thin wrapper around this, and tests run it in-process
 * against a real gRPC server. Resolves to the exit status ({@link MAGLEVC_EXIT}; `config diff`
 * and dry runs exit like diff(1)); never exits the process. Usage errors and failed commands
 * are written to `io.stderr`, not thrown.
 *
 * @param argv - The arguments after the program name.
 *
 * @internal
 */
export async function runMaglevc(argv: readonly string[], io: MaglevcIo): Promise<number> {
  let flags: ReturnType<typeof parseFlags<typeof maglevcFlags>>;
  try {
    flags = parseFlags(maglevcFlags, argv, io.env, { positionals: true });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usage(io, e.message);
  }
  const build = io.build ?? buildInfo;
  const { values, positionals } = flags;
  if (values.help) {
    io.stdout.write(formatHelp(maglevcFlags, HELP));
    return MAGLEVC_EXIT.ok;
  }
  if (values.version) {
    io.stdout.write(`${formatVersion('maglevc', build)}\n`);
    return MAGLEVC_EXIT.ok;
  }
  // Checked before anything runs, so a typo in --server is a usage error, not an unreachable
  // server; the flag or variable it came from is named.
  const origin = (flag: keyof typeof maglevcFlags | ClientTlsFlag): string => {
    if (flags.sources[flag] === 'flag') return `flag --${flag}`;
    const env = (maglevcFlags[flag] as { env?: readonly string[] }).env?.find((e) => io.env[e] !== undefined);
    return `${env ?? 'the default'} (--${flag})`;
  };
  let target: string;
  let color: ColorMode;
  try {
    target = parseServerAddress(values.server);
  } catch (e) {
    if (!(e instanceof ServerAddressError)) throw e;
    return usage(io, `invalid value ${JSON.stringify(e.value)} for ${origin('server')}: ${e.message}`);
  }
  try {
    color = parseColorMode(values.color);
  } catch (e) {
    if (!(e instanceof ColorModeError)) throw e;
    return usage(io, `invalid value ${JSON.stringify(values.color)} for ${origin('color')}: ${e.message}`);
  }
  // The files are read now, so a wrong path fails before any command runs, naming the flag.
  let clientOptions: MaglevClientOptions;
  try {
    const tls = loadClientTls(clientTlsSettings(values), origin);
    // A unix socket is plaintext (its file permissions guard it), so TLS settings from a shell
    // profile do not get in the way of `--server unix:///...`.
    clientOptions = tls && !target.startsWith('unix:') ? { tls } : {};
  } catch (e) {
    if (!(e instanceof TlsFileError)) throw e;
    return usage(io, e.message);
  }
  const noColor = (io.env.NO_COLOR ?? '') !== '';
  const style = makeStyle(
    colorOn(color, io.stdout.isTTY === true, noColor),
    colorOn(color, io.stderr.isTTY === true, noColor),
  );
  const now = io.now ?? Date.now;
  const errLines = (lines: readonly string[]) => {
    for (const l of lines) io.stderr.write(`${l}\n`);
  };

  if (positionals.length > 0) {
    const line = positionals.join(' ');
    let cmd: ParsedCommand<CommandName>;
    try {
      cmd = parseCommand(MAGLEVC_TREE, line);
    } catch (e) {
      if (!(e instanceof CommandSyntaxError)) throw e;
      errLines(describeError(e, style, { echoLine: true, indent: 0 }));
      return MAGLEVC_EXIT.usage;
    }
    // Creating the client does not connect: `help` and `show version` work without a server.
    const client = new MaglevClient(target, clientOptions);
    const stop = new AbortController();
    const release = cmd.command === 'watch-events' ? stopOnKeyOrSignal(io, stop) : () => {};
    try {
      return await runCommand(cmd, {
        client,
        style,
        now,
        build,
        signal: stop.signal,
        out: (l) => io.stdout.write(`${l}\n`),
        err: (l) => io.stderr.write(`${l}\n`),
      });
    } catch (e) {
      errLines(
        describeError(e, style, {
          echoLine: false,
          indent: 0,
          prefix: 'maglevc: ',
          tls: clientOptions.tls !== undefined,
        }),
      );
      return isPreview(cmd) ? PREVIEW_EXIT.error : MAGLEVC_EXIT.failed;
    } finally {
      release();
      client.close();
    }
  }

  const client = new MaglevClient(target, clientOptions);
  try {
    return await runShell({
      client,
      style,
      now,
      build,
      input: io.stdin,
      output: io.stdout,
      errOutput: io.stderr,
      server: values.server,
    });
  } finally {
    client.close();
  }
}

function usage(io: MaglevcIo, message: string): number {
  io.stderr.write(`maglevc: ${message}\nRun 'maglevc --help' for usage.\n`);
  return MAGLEVC_EXIT.usage;
}

/**
 * A one-shot `watch events` ends on any key when stdin is a terminal. The terminal goes into
 * Node's raw mode, which (unlike cfmakeraw) keeps output post-processing on, so newlines still
 * return the carriage: in effect cbreak. Signals are off in that mode, so Ctrl-C arrives as a key
 * and ends the watch like any other. SIGINT from elsewhere ends it too.
 */
function stopOnKeyOrSignal(io: MaglevcIo, stop: AbortController): () => void {
  const abort = () => stop.abort();
  io.signals?.on('SIGINT', abort);
  const tty = io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function';
  if (tty) {
    io.stdin.setRawMode?.(true);
    io.stdin.on('data', abort);
    io.stdin.resume();
  }
  return () => {
    io.signals?.off('SIGINT', abort);
    if (tty) {
      io.stdin.removeListener('data', abort);
      io.stdin.setRawMode?.(false);
      io.stdin.pause();
    }
  };
}
