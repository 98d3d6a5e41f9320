import { readFile } from 'node:fs/promises';
import { toJsonString } from '@bufbuild/protobuf';
import type { MaglevClient } from '../api/client.js';
import * as pb from '../api/gen/maglev_pb.js';
import type { BuildInfo } from '../version.js';
import { ConfigFileReadError } from './errors.js';
import type { Style } from './format.js';
import {
  previewChanges,
  renderBackend,
  renderBackendAction,
  renderBackendList,
  renderFrontend,
  renderFrontendList,
  renderHealthCheck,
  renderHealthCheckList,
  renderLbCounters,
  renderLbState,
  renderNames,
  renderPreview,
  renderSync,
  renderVersion,
  renderVppInfo,
} from './render.js';
import { type CommandName, MAGLEVC_TREE } from './tree.js';
import { commandSummaries, type ParsedCommand } from './walk.js';

/**
 * The parts of maglevc's client a command may use (MaglevClient fits).
 *
 * @internal
 */
export type MaglevApi = Pick<
  MaglevClient,
  | 'listFrontends'
  | 'getFrontend'
  | 'listBackends'
  | 'getBackend'
  | 'pauseBackend'
  | 'resumeBackend'
  | 'enableBackend'
  | 'disableBackend'
  | 'listHealthChecks'
  | 'getHealthCheck'
  | 'setFrontendPoolBackendWeight'
  | 'watchEvents'
  | 'checkConfig'
  | 'reloadConfig'
  | 'getVPPInfo'
  | 'getVPPLBState'
  | 'syncVPPLBState'
  | 'getVPPLBCounters'
  | 'planConfig'
  | 'previewBackendAction'
>;

/**
 * What a command runs with: the client, output, clock and build.
 *
 * @internal
 */
export interface CommandContext {
  /** maglevd's API. */
  readonly client: MaglevApi;
  /** How labels and errors are coloured. */
  readonly style: Style;
  /** Where results go, one string per line. */
  readonly out: (line: string) => void;
  /** Where a failed `config check` or `config reload` reports the errors. */
  readonly err: (line: string) => void;
  /** Wall clock for "how long ago", unix milliseconds. */
  readonly now: () => number;
  /** What `show version` reports: maglevc's own build. */
  readonly build: BuildInfo;
  /** Cancels a call in flight and ends `watch events`. */
  readonly signal?: AbortSignal;
}

/**
 * A config check or reload that reported errors (exit status 1).
 *
 * @internal
 */
export class ConfigRejectedError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'CONFIG_REJECTED' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'ConfigRejectedError';
  constructor(
    /** Why the file does not parse, as maglevd said; '' when it does. */
    readonly parseError: string,
    /** Why the parsed configuration is not valid, as maglevd said; '' when it is. */
    readonly semanticError: string,
  ) {
    super(
      [parseError && `parse error: ${parseError}`, semanticError && `semantic error: ${semanticError}`]
        .filter(Boolean)
        .join('\n') || 'configuration rejected',
    );
  }
}

/**
 * Exit statuses of the preview commands (`config diff`, `... dry-run`), as diff(1) has them:
 * nothing would change, something would, or the preview failed.
 *
 * @internal
 */
export const PREVIEW_EXIT = Object.freeze({ same: 0, differs: 1, error: 2 });

/**
 * A preview command: its failures exit 2, not 1 (see PREVIEW_EXIT).
 *
 * @internal
 */
export function isPreview(cmd: ParsedCommand<CommandName>): boolean {
  return cmd.command === 'config-diff' || cmd.args.dryRun === 'true';
}

/** A whole number for a numeric slot (the tree guarantees digits). */
function num(v: string | undefined): number {
  return v === undefined ? 0 : Number(v);
}

/**
 * Lists arrive in full from this implementation's maglevd; a Go maglevd 1.0 sends only names,
 * so the details are then fetched one by one.
 */
async function listFrontends(c: MaglevApi, o: { signal?: AbortSignal }): Promise<pb.FrontendInfo[]> {
  const r = await c.listFrontends(o);
  if (r.frontends.length > 0 || r.names.length === 0) return r.frontends;
  return Promise.all(r.names.map((n) => c.getFrontend(n, o)));
}

async function listBackends(c: MaglevApi, o: { signal?: AbortSignal }): Promise<pb.BackendInfo[]> {
  const r = await c.listBackends(o);
  if (r.backends.length > 0 || r.names.length === 0) return r.backends;
  return Promise.all(r.names.map((n) => c.getBackend(n, o)));
}

async function listHealthChecks(c: MaglevApi, o: { signal?: AbortSignal }): Promise<pb.HealthCheckInfo[]> {
  const r = await c.listHealthChecks(o);
  if (r.healthchecks.length > 0 || r.names.length === 0) return r.healthchecks;
  return Promise.all(r.names.map((n) => c.getHealthCheck(n, o)));
}

/** The names of a list reply; a reply with only the objects (no names) still lists them. */
function namesOf<K extends 'frontends' | 'backends' | 'healthchecks'>(
  r: { readonly names: readonly string[] } & { readonly [k in K]: ReadonlyArray<{ readonly name: string }> },
  key: K,
): string[] {
  return r.names.length > 0 ? [...r.names] : r[key].map((x) => x.name);
}

/**
 * The `help` listing.
 *
 * @internal
 */
export function renderHelp(style: Style): string[] {
  const rows = commandSummaries(MAGLEVC_TREE);
  const width = Math.min(40, Math.max(...rows.map((r) => r.syntax.length)));
  const lines: string[] = [];
  for (const r of rows) {
    if (r.syntax.length > width) lines.push(r.syntax, `${' '.repeat(width + 2)}${style.label(r.help)}`);
    else lines.push(`${r.syntax.padEnd(width)}  ${style.label(r.help)}`);
  }
  lines.push('', 'Words may be shortened to any unambiguous prefix. Tab completes, ? lists what may follow.');
  return lines;
}

/**
 * Runs one parsed command. Resolves to the exit status (0, or 1 for a rejected config); a failed
 * call rejects with the client's MaglevCallError.
 *
 * @internal
 */
export async function runCommand(cmd: ParsedCommand<CommandName>, ctx: CommandContext): Promise<number> {
  const { client: c, style, args } = { ...ctx, args: cmd.args };
  const o = ctx.signal ? { signal: ctx.signal } : {};
  const print = (lines: readonly string[]) => {
    for (const l of lines) ctx.out(l);
  };
  const name = (k: string) => args[k] ?? '';
  switch (cmd.command) {
    case 'show-version':
      print(renderVersion(ctx.build, style));
      return 0;
    case 'show-frontends':
      if (args.frontend !== undefined) print(renderFrontend(await c.getFrontend(name('frontend'), o), style));
      else print(renderNames(namesOf(await c.listFrontends(o), 'frontends')));
      return 0;
    case 'show-frontends-detail':
      print(renderFrontendList(await listFrontends(c, o), style));
      return 0;
    case 'show-backends':
      if (args.backend !== undefined)
        print(renderBackend(await c.getBackend(name('backend'), o), ctx.now(), style));
      else print(renderNames(namesOf(await c.listBackends(o), 'backends')));
      return 0;
    case 'show-backends-detail':
      print(renderBackendList(await listBackends(c, o), ctx.now(), style));
      return 0;
    case 'show-healthchecks':
      if (args.healthcheck !== undefined)
        print(renderHealthCheck(await c.getHealthCheck(name('healthcheck'), o), style));
      else print(renderNames(namesOf(await c.listHealthChecks(o), 'healthchecks')));
      return 0;
    case 'show-healthchecks-detail':
      print(renderHealthCheckList(await listHealthChecks(c, o), style));
      return 0;
    case 'show-vpp-info':
      print(renderVppInfo(await c.getVPPInfo(o), ctx.now(), style));
      return 0;
    case 'show-vpp-lbstate':
      print(renderLbState(await c.getVPPLBState(o), style));
      return 0;
    case 'show-vpp-lb-counters':
      print(renderLbCounters(await c.getVPPLBCounters(o), style));
      return 0;
    case 'sync-vpp-lbstate':
      print(renderSync(await c.syncVPPLBState(name('frontend'), o), style));
      return 0;
    case 'set-backend-pause':
    case 'set-backend-resume':
    case 'set-backend-disable':
    case 'set-backend-enable':
      if (args.dryRun === 'true') {
        const action = ACTION_OF[cmd.command];
        const r = await c.previewBackendAction(
          action,
          name('backend'),
          { assumeUp: args.assumeUp === 'true' },
          o,
        );
        return printPreview(r.preview, ctx);
      }
      break;
    default:
      break;
  }
  switch (cmd.command) {
    case 'set-backend-pause':
      print(renderBackendAction(await c.pauseBackend(name('backend'), o), style));
      return 0;
    case 'set-backend-resume':
      print(renderBackendAction(await c.resumeBackend(name('backend'), o), style));
      return 0;
    case 'set-backend-disable':
      print(renderBackendAction(await c.disableBackend(name('backend'), o), style));
      return 0;
    case 'set-backend-enable':
      print(renderBackendAction(await c.enableBackend(name('backend'), o), style));
      return 0;
    case 'set-frontend-weight': {
      const dryRun = args.dryRun === 'true';
      const f = await c.setFrontendPoolBackendWeight(
        {
          frontend: name('frontend'),
          pool: name('pool'),
          backend: name('backend'),
          weight: num(args.weight),
          flush: args.flush === 'true',
          dryRun,
        },
        o,
      );
      if (dryRun) return printPreview(f.preview, ctx);
      print(renderFrontend(f, style));
      return 0;
    }
    case 'config-diff':
      return configDiff(cmd, ctx);
    case 'watch-events':
      await watchEvents(cmd, ctx);
      return 0;
    case 'config-check':
    case 'config-reload': {
      const check = cmd.command === 'config-check';
      const r = check ? await c.checkConfig(o) : await c.reloadConfig(o);
      if (!r.ok) {
        for (const l of new ConfigRejectedError(r.parseError, r.semanticError).message.split('\n'))
          ctx.err(style.error(l));
        return 1;
      }
      ctx.out(check ? 'config ok' : 'config reloaded');
      return 0;
    }
    case 'help':
      print(renderHelp(style));
      return 0;
    case 'quit':
      return 0;
  }
}

const ACTION_OF = {
  'set-backend-pause': 'pause',
  'set-backend-resume': 'resume',
  'set-backend-disable': 'disable',
  'set-backend-enable': 'enable',
} as const;

function printPreview(preview: pb.ChangePreview | undefined, ctx: CommandContext): number {
  // A maglevd older than previews ignores dry_run and would have acted: say so, loudly.
  if (!preview)
    throw new Error('maglevd sent no preview: it does not know dry-run (and may have acted on it)');
  for (const l of renderPreview(preview, ctx.style)) ctx.out(l);
  return previewChanges(preview) ? PREVIEW_EXIT.differs : PREVIEW_EXIT.same;
}

/**
 * `config diff [FILE]`: maglevd's own file, or a local one sent as its content, previewed
 * against what runs now. A rejected config is an error (exit 2), reported like `config check`.
 */
async function configDiff(cmd: ParsedCommand<CommandName>, ctx: CommandContext): Promise<number> {
  const o = ctx.signal ? { signal: ctx.signal } : {};
  const file = cmd.args.file;
  let content: Uint8Array | undefined;
  if (file !== undefined) {
    try {
      content = await readFile(file);
      // proto3 cannot tell empty bytes from none, which would mean maglevd's own file; a lone
      // newline is the same YAML as an empty file, so maglevd reports what it makes of that.
      if (content.length === 0) content = new TextEncoder().encode('\n');
    } catch (e) {
      throw new ConfigFileReadError(file, e);
    }
  }
  const r = await ctx.client.planConfig(
    {
      ...(content !== undefined && { content, contentName: file }),
      assumeUp: cmd.args.assumeUp === 'true',
    },
    o,
  );
  if (!r.ok) {
    for (const l of new ConfigRejectedError(r.parseError, r.semanticError).message.split('\n'))
      ctx.err(ctx.style.error(l));
    return PREVIEW_EXIT.error;
  }
  return printPreview(r.preview, ctx);
}

/**
 * Streams events as compact protobuf JSON, one per line, until `num` events were printed, the
 * context's signal aborts (a key or Ctrl-C) or maglevd ends the stream.
 */
async function watchEvents(cmd: ParsedCommand<CommandName>, ctx: CommandContext): Promise<void> {
  const a = cmd.args;
  const limit = a.num === undefined ? Number.POSITIVE_INFINITY : num(a.num);
  if (limit <= 0) return;
  const req = {
    log: a.log === 'true',
    logLevel: a.level ?? '',
    backend: a.backend === 'true',
    frontend: a.frontend === 'true',
  };
  // An own controller, so the stream is cancelled when num is reached, too.
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal?.aborted) return;
  let n = 0;
  try {
    for await (const ev of ctx.client.watchEvents(req, ac.signal)) {
      ctx.out(toJsonString(pb.EventSchema, ev));
      if (++n >= limit) break;
    }
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
    ac.abort();
  }
}
