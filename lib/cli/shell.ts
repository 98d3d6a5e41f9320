import * as readline from 'node:readline';
import { formatVersion } from '../version.js';
import { type CommandContext, runCommand } from './commands.js';
import { describeError } from './errors.js';
import { columns } from './format.js';
import { commonPrefix, namesFor } from './names.js';
import { type CommandName, MAGLEVC_TREE } from './tree.js';
import { CommandSyntaxError, completionAt, helpAt, type ParsedCommand, parseCommand } from './walk.js';

/**
 * The interactive shell's prompt.
 *
 * @internal
 */
export const PROMPT = 'maglev> ';

/**
 * A terminal-capable input: a TTY read stream, or anything shaped like one.
 *
 * @internal
 */
export interface ShellInput extends NodeJS.ReadableStream {
  /** True on a terminal: with the output one too, the shell edits lines, completes and answers `?` at once. */
  readonly isTTY?: boolean;
  /** Turns raw mode (key by key) on or off; present on a terminal. */
  setRawMode?(mode: boolean): unknown;
}

/**
 * Where the shell and commands write: a terminal, or anything shaped like one.
 *
 * @internal
 */
export interface ShellOutput extends NodeJS.WritableStream {
  /** True on a terminal: with `--color=auto` labels are coloured; the shell is interactive only with both ends terminals. */
  readonly isTTY?: boolean;
  /** The terminal's width in characters; lists of names are laid out to fit it. */
  readonly columns?: number;
}

/**
 * What the interactive shell needs: the command context without its per-command streams
 * and abort signal, plus its input and output.
 *
 * @internal
 */
export interface ShellOptions extends Omit<CommandContext, 'out' | 'err' | 'signal'> {
  readonly input: ShellInput;
  readonly output: ShellOutput;
  readonly errOutput: NodeJS.WritableStream;
  /** maglevd's address, shown in the greeting. */
  readonly server: string;
  /** Deadline of the name look-ups behind Tab; default 1 s. */
  readonly completionTimeoutMs?: number;
}

type KeyListener = (s: string | undefined, key: readline.Key | undefined) => void;

/** What runs now, and how to stop it. */
interface Running {
  readonly watch: boolean;
  readonly controller: AbortController;
  /** Keys typed meanwhile, replayed to the line editor afterwards (type-ahead). */
  readonly pending: Array<[string | undefined, readline.Key | undefined]>;
}

/**
 * The interactive shell. On a terminal: prompt, line editing and history (node:readline), Tab
 * completion from the command tree and live names, and `?` help birdc-style. Without a terminal
 * it reads commands line by line, which makes maglevc scriptable through a pipe as well.
 *
 * Resolves to the exit status: 0, or 1 when some command failed without a terminal.
 *
 * @internal
 */
export async function runShell(opts: ShellOptions): Promise<number> {
  const { input, output, style } = opts;
  const terminal = Boolean(input.isTTY && output.isTTY);
  const timeoutMs = opts.completionTimeoutMs ?? 1000;
  const out = (line: string) => output.write(`${line}\n`);
  const err = (line: string) => opts.errOutput.write(`${line}\n`);
  let running: Running | undefined;
  let failed = false;

  const complete = async (line: string): Promise<[string[], string]> => {
    const req = completionAt(MAGLEVC_TREE, line);
    if (!req) return [[], line];
    const found = [...req.words];
    if (req.slot) {
      const names = await namesFor(opts.client, req.slot, req.args, timeoutMs).catch(() => []);
      found.push(...names.filter((n) => n.startsWith(req.partial)));
    }
    const cands = [...new Set(found)];
    if (cands.length === 0) return [[], req.partial];
    if (cands.length === 1) return [[`${cands[0]} `], req.partial];
    // Several: list them at once (not only on a second Tab), then redraw the prompt and line.
    output.write(`\n${columns(cands, output.columns ?? 80).join('\n')}\n`);
    rl.prompt(true);
    const common = commonPrefix(cands);
    return [common.length > req.partial.length ? [common] : [], req.partial];
  };

  const before = new Set(input.listeners('keypress'));
  const rl = readline.createInterface({
    input,
    output,
    prompt: PROMPT,
    terminal,
    historySize: 1000,
    removeHistoryDuplicates: true,
    ...(terminal
      ? {
          completer: (line: string, cb: (err: null, result: [string[], string]) => void) => {
            complete(line).then(
              (r) => cb(null, r),
              () => cb(null, [[], line]),
            );
          },
        }
      : {}),
  });

  // Sit between the terminal and the line editor: `?` shows help instead of being typed, and
  // while a command runs keys either stop it (any key ends a watch; Ctrl-C cancels a call) or
  // wait to be replayed. Done by wrapping readline's own keypress listener, so no private API.
  let editorKeys: KeyListener[] = [];
  const forward: KeyListener = (s, key) => {
    for (const l of editorKeys) l.call(input, s, key);
  };
  const showHelp = () => {
    const line = rl.line;
    const upto = line.slice(0, rl.cursor);
    readline.moveCursor(output, 0, -rl.getCursorPos().rows);
    readline.cursorTo(output, 0);
    readline.clearScreenDown(output);
    out(`${PROMPT}${upto}?${line.slice(rl.cursor)}`);
    try {
      const entries = helpAt(MAGLEVC_TREE, upto);
      const w = Math.max(0, ...entries.map((e) => e.label.length));
      for (const e of entries) out(`  ${e.label.padEnd(w)}  ${e.help}`);
      if (entries.length === 0) out('  (nothing may follow)');
    } catch (e) {
      if (!(e instanceof CommandSyntaxError)) throw e;
      for (const l of describeError(e, style, { echoLine: false, indent: PROMPT.length })) err(l);
    }
    rl.prompt(true);
  };
  const onKey: KeyListener = (s, key) => {
    if (running) {
      if (running.watch || (key?.ctrl && key.name === 'c')) running.controller.abort();
      else running.pending.push([s, key]);
      return;
    }
    if (s === '?' && !key?.ctrl && !key?.meta) {
      showHelp();
      return;
    }
    forward(s, key);
  };
  if (terminal) {
    editorKeys = (input.listeners('keypress') as KeyListener[]).filter((l) => !before.has(l));
    for (const l of editorKeys) input.removeListener('keypress', l);
    input.on('keypress', onKey);
    // Ctrl-C at the prompt drops the line, as in a login shell.
    rl.on('SIGINT', () => {
      rl.write(null, { ctrl: true, name: 'e' });
      output.write('^C\n');
      rl.write(null, { ctrl: true, name: 'u' });
    });
    out(`${formatVersion('maglevc', opts.build)}; maglevd at ${opts.server}`);
    out("Type 'help' or ? for help, Tab to complete, Ctrl-D to leave.");
    rl.prompt();
  }

  try {
    for await (const line of rl) {
      if (line.trim() === '') {
        if (terminal) rl.prompt();
        continue;
      }
      let cmd: ParsedCommand<CommandName>;
      try {
        cmd = parseCommand(MAGLEVC_TREE, line);
      } catch (e) {
        failed = true;
        for (const l of describeError(e, style, {
          echoLine: !terminal,
          indent: terminal ? PROMPT.length : 0,
        }))
          err(l);
        if (terminal) rl.prompt();
        continue;
      }
      if (cmd.command === 'quit') break;
      const run: Running = {
        watch: cmd.command === 'watch-events',
        controller: new AbortController(),
        pending: [],
      };
      running = run;
      try {
        if ((await runCommand(cmd, { ...opts, out, err, signal: run.controller.signal })) !== 0)
          failed = true;
      } catch (e) {
        failed = true;
        const prefix = terminal ? '' : 'maglevc: ';
        for (const l of describeError(e, style, { echoLine: false, indent: 0, prefix })) err(l);
      } finally {
        running = undefined;
      }
      if (terminal) {
        rl.prompt();
        for (const [s, key] of run.pending) onKey(s, key);
      }
    }
  } finally {
    if (terminal) {
      input.removeListener('keypress', onKey);
      output.write('\n');
    }
    rl.close();
  }
  return terminal || !failed ? 0 : 1;
}
