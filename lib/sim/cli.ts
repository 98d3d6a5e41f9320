/**
 * The few VPP debug-CLI commands the simulator answers through cli_inband, printed the way VPP
 * prints them: `show lb vips [verbose]` (the client reads src_ip_sticky and the VIP pool index
 * from it), `show lb` and `show clock` (the client reads uptime from its first line).
 * Anything else gets VPP's "unknown input" error text and retval -1.
 */
import type { SimState, SimVipState } from './lb-plugin.js';
import type { CliInbandReply } from './wire-types.js';

export interface CliContext {
  readonly state: SimState;
  /** Uptime seconds, fractional. */
  readonly uptime: number;
  /** Wall clock, epoch milliseconds. */
  readonly wallClockMs: number;
  /** Uptime of the last worker-barrier release (the last mutating API call). */
  readonly lastBarrierRelease: number;
}

/** The per-VIP counters VPP keeps, in its order; the simulator has no traffic, so all are 0. */
export const VIP_COUNTER_NAMES = [
  'packet from existing sessions',
  'first session packet',
  'untracked packet',
  'no server configured',
] as const;

function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

function natLine(v: SimVipState): string {
  // VPP prints the VIP port through ntohs (byte-swapped) and the stored network-order target
  // port through ntohs (the real value).
  return `type:${v.srvType === 0 ? 'clusterip' : 'nodeport'} port:${bswap16(v.port)} target_port:${v.targetPort}`;
}

/** format_lb_vip: one summary line per VIP. */
function formatVip(v: SimVipState): string {
  let s = `${v.type} ${v.prefix} new_size:${v.flowTableLength} #as:${v.ases.length}${v.used ? '' : ' removed'}`;
  if (v.port !== 0) s += `  protocol:${v.protocol} port:${v.port} `;
  if (v.type === 'ip4-l3dsr') s += `  dscp:${v.dscp}`;
  else if (v.type === 'ip4-nat4' || v.type === 'ip6-nat6') s += ` ${natLine(v)}`;
  return s;
}

/** format_lb_vip_detailed, for a VIP printed at column 0. */
function formatVipDetailed(v: SimVipState): string {
  let s = ` ${v.type} [${v.index}] ${v.prefix}${v.srcIpSticky ? ' src_ip_sticky' : ''}${v.used ? '' : ' removed'}\n`;
  s += `  new_size:${v.flowTableLength}\n`;
  if (v.port !== 0) s += `  protocol:${v.protocol} port:${v.port}\n`;
  // The NAT line has no newline of its own, so "counters:" follows on the same line.
  if (v.type === 'ip4-l3dsr') s += `  dscp:${v.dscp}\n`;
  else if (v.type === 'ip4-nat4' || v.type === 'ip6-nat6') s += `  ${natLine(v)}`;
  s += '  counters:\n';
  for (const name of VIP_COUNTER_NAMES) s += `    ${name}: 0\n`;
  s += `  #as:${v.ases.length}\n`;
  for (const a of v.ases) {
    s += `    ${a.address} weight:${a.weight} buckets:${a.numBuckets} flows:0 dpo:${a.asIndex} ${
      a.flags & 1 ? 'used' : ' removed'
    }\n`;
  }
  return s;
}

/** Output of `show lb vips` / `show lb vips verbose`. */
export function formatShowLbVips(state: SimState, verbose: boolean): string {
  // vlib_cli_output(vm, "%U\n", ...) per VIP: the detailed form already ends in a newline, so
  // every VIP is followed by an empty line.
  return state.vips.map((v) => `${verbose ? formatVipDetailed(v) : formatVip(v)}\n`).join('');
}

/** Output of `show lb` (no per-thread sticky tables exist without traffic). */
export function formatShowLb(state: SimState): string {
  return (
    `lb_main ip4-src-address: ${state.conf.ip4SrcAddress} \n` +
    ` ip6-src-address: ${state.conf.ip6SrcAddress} \n` +
    ` #vips: ${state.vipPoolElements}\n` +
    ` #ass: ${state.asPoolElements}\n`
  );
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** format_clib_timebase_time in GMT: "Sat, 22 Aug 2026 03:00:55". */
export function formatGmt(epochMs: number): string {
  const d = new Date(Math.floor(epochMs / 1000) * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`
  );
}

/** Output of `show clock` on a VPP without worker threads. */
export function formatShowClock(uptime: number, wallClockMs: number, lastBarrierRelease: number): string {
  return (
    `Time now ${uptime.toFixed(6)}, ${formatGmt(wallClockMs)} GMT\n` +
    `Time last barrier release ${lastBarrierRelease.toFixed(9)}\n` +
    `0: Time now ${uptime.toFixed(6)}\n` +
    `Thread 0 offset ${(0).toFixed(9)} error ${(0).toFixed(9)}\n`
  );
}

/** format_unformat_error: at most 30 characters of the remaining input. */
function remaining(input: string): string {
  const n = input.length;
  let shown = n > 30 ? input.slice(0, 30) : input.replace(/\s+$/, '');
  shown = shown.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return n > 30 ? `${shown}...` : shown;
}

interface Command {
  readonly word: string;
  readonly sub?: readonly Command[];
  /** Runs the command on the rest of the line; returns its output and the unconsumed input. */
  readonly run?: (rest: string, ctx: CliContext) => { out: string; rest: string };
}

const TREE: readonly Command[] = [
  {
    word: 'show',
    sub: [
      {
        word: 'lb',
        run: (rest, ctx) => ({ out: formatShowLb(ctx.state), rest }),
        sub: [
          {
            word: 'vips',
            // Reads the whole line; only a leading "verbose" means anything.
            run: (rest, ctx) => ({ out: formatShowLbVips(ctx.state, rest.startsWith('verbose')), rest: '' }),
          },
        ],
      },
      {
        word: 'clock',
        run: (rest, ctx) => ({
          out: formatShowClock(ctx.uptime, ctx.wallClockMs, ctx.lastBarrierRelease),
          rest: rest.startsWith('verbose') ? rest.slice('verbose'.length).trimStart() : rest,
        }),
      },
    ],
  },
];

/** Sub-command by its word or a unique prefix of it. */
function match(cmds: readonly Command[], word: string): Command | undefined {
  const exact = cmds.find((c) => c.word === word);
  if (exact) return exact;
  const prefixed = cmds.filter((c) => c.word.startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

type Dispatch = { out: string; rest: string } | { error: string };

function dispatch(cmds: readonly Command[], path: string, input: string, ctx: CliContext): Dispatch {
  const m = /^(\S+)\s*/.exec(input);
  const c = m ? match(cmds, m[1] as string) : undefined;
  if (!m || !c) {
    return { error: `${path ? `${path}: ` : ''}unknown input \`${remaining(input)}'` };
  }
  const rest = input.slice(m[0].length);
  const here = path ? `${path} ${c.word}` : c.word;
  if (c.sub) {
    // A failed sub-command match is forgotten when the command itself can run.
    const r = dispatch(c.sub, here, rest, ctx);
    if (!('error' in r) || !c.run) return r;
  }
  if (c.run) return c.run(rest, ctx);
  return { error: `${here}: no sub-commands` };
}

/**
 * vlib_cli_input as cli_inband drives it: commands run until the input is used up or one fails;
 * a failure appends its message and makes the retval -1.
 */
export function runCli(cmd: string, ctx: CliContext): CliInbandReply {
  let input = cmd.trim();
  let out = '';
  do {
    const r = dispatch(TREE, '', input, ctx);
    if ('error' in r) return { retval: -1, reply: `${out}${r.error}\n` };
    out += r.out;
    input = r.rest.trim();
  } while (input !== '');
  return { retval: 0, reply: out };
}
