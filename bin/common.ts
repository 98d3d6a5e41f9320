import {
  type FlagSpecs,
  formatHelp,
  type HelpOptions,
  type ParsedFlags,
  parseFlags,
  UsageError,
} from '../lib/flags/flags.js';
import { formatVersion } from '../lib/version.js';

/**
 * The thin shell every binary shares: parse flags from argv and the environment, answer --help
 * and --version, turn a usage error into exit 2, and anything unexpected into exit 1.
 */
export function parseOrExit<S extends FlagSpecs>(
  specs: S,
  help: HelpOptions,
  opts: { positionals?: boolean } = {},
): ParsedFlags<S> {
  let parsed: ParsedFlags<S>;
  try {
    parsed = parseFlags(specs, process.argv.slice(2), process.env, opts);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${help.program}: ${e.message}\nRun '${help.program} --help' for usage.\n`);
      process.exit(2);
    }
    throw e;
  }
  const v = parsed.values as Record<string, unknown>;
  if (v.help === true) {
    process.stdout.write(formatHelp(specs, help));
    process.exit(0);
  }
  if (v.version === true) {
    process.stdout.write(`${formatVersion(help.program)}\n`);
    process.exit(0);
  }
  return parsed;
}

/** Runs main; an uncaught error prints one line and exits 1. */
export function run(program: string, main: () => Promise<number | undefined> | number | undefined): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        if (typeof code === 'number') process.exitCode = code;
      },
      (err: unknown) => {
        process.stderr.write(`${program}: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      },
    );
}

export function notImplemented(program: string): number {
  process.stderr.write(`${program}: not implemented yet\n`);
  return 1;
}
