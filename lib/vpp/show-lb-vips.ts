/**
 * Parser for the output of VPP's `show lb vips verbose` (read through cli_inband): the only
 * place VPP reveals a VIP's pool index (the stats counter index) and its src_ip_sticky flag.
 *
 * The output lists every VIP record in pool order, deleted-but-not-yet-collected ones too
 * (marked `removed`), each as a block:
 *
 *      ip4-gre4 [1] 192.0.2.1/32 src_ip_sticky
 *       new_size:1024
 *       protocol:6 port:80              (per-port VIPs only)
 *       dscp:10                         (L3DSR only)
 *       counters:
 *         packet from existing sessions: 0
 *         ...
 *       #as:2
 *         10.0.0.1 weight:100 buckets:512 flows:0 dpo:17 used
 *         10.0.0.2 weight:100 buckets:0 flows:0 dpo:18  removed
 *
 * NAT VIPs print "type:… port:… target_port:…" without a line break, so "counters:" follows on
 * the same line. Builds before AS weights print AS lines as
 * "10.0.0.1 512 buckets   0 flows  dpo:17 used".
 */
import { isIP } from 'node:net';
import type { LbEncap } from './types.js';

/**
 * One application server line of a VIP in `show lb vips verbose`.
 *
 * @public
 */
export interface ShowLbVipAs {
  /** Canonical text (IPv6 compressed, lower case). */
  readonly address: string;
  /** Weight, 0-100; null on builds without AS weights. */
  readonly weight: number | null;
  /** New-flow table buckets pointing at the AS. */
  readonly buckets: number;
  /** Sticky-table entries pointing at the AS. */
  readonly flows: number;
  /** Index of the AS's forwarding object (DPO) in VPP. */
  readonly dpo: number;
  /** Deleted and waiting for VPP's garbage collection. */
  readonly removed: boolean;
}

/**
 * One VIP record of `show lb vips verbose`, removed ones included.
 *
 * @public
 */
export interface ShowLbVip {
  /** VIP pool index: the index of its stats counters. */
  readonly index: number;
  /** VPP's internal type, e.g. "ip4-gre4": VIP family and encap. */
  readonly type: string;
  /** The encap part of `type`. */
  readonly encap: LbEncap;
  /** "address/len" as VPP prints it, host bits cleared; IPv6 in canonical text. */
  readonly prefix: string;
  /** 255 for an all-port VIP. */
  readonly protocol: number;
  /** 0 for an all-port VIP. */
  readonly port: number;
  /** Whether flows hash on addresses only, ports ignored (one AS per client). */
  readonly srcIpSticky: boolean;
  /** Deleted and waiting for VPP's garbage collection; not current configuration. */
  readonly removed: boolean;
  /** New-flow table length, in buckets. */
  readonly newSize: number;
  /** The DSCP value of an L3DSR VIP; null for other encaps. */
  readonly dscp: number | null;
  /** NAT VIPs only; `port` here is as VPP prints it (byte-swapped). */
  readonly nat: {
    readonly srvType: 'clusterip' | 'nodeport';
    readonly port: number;
    readonly targetPort: number;
  } | null;
  /** Per-VIP packet counters by VPP's name ("first session packet", ...). */
  readonly counters: Readonly<Record<string, number>>;
  /** The VIP's AS lines, in VPP's order, removed ones included. */
  readonly ases: readonly ShowLbVipAs[];
}

/**
 * Options of {@link parseShowLbVipsVerbose}.
 *
 * @public
 */
export interface ParseShowLbVipsOptions {
  /** Reject lines the parser does not recognise and AS counts that do not add up. */
  readonly strict?: boolean;
}

/**
 * The CLI text did not have the expected shape; the message names the line and what was wrong.
 *
 * @public
 */
export class ShowLbVipsParseError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'SHOW_LB_VIPS_PARSE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'ShowLbVipsParseError';
  constructor(
    message: string,
    /** 1-based line number in the CLI output. */
    readonly line: number,
    /** The offending line, as VPP printed it. */
    readonly text: string,
  ) {
    super(`show lb vips verbose, line ${line}: ${message}: ${JSON.stringify(text)}`);
  }
}

const ENCAPS: Readonly<Record<string, LbEncap>> = {
  gre4: 'gre4',
  gre6: 'gre6',
  l3dsr: 'l3dsr',
  nat4: 'nat4',
  nat6: 'nat6',
};

const HEADER = /^\s*(ip[46])-([a-z0-9]+) \[(\d+)\] (\S+?)( src_ip_sticky)?( removed)?\s*$/;
const NEW_SIZE = /^\s*new_size:(\d+)\s*$/;
const PROTO_PORT = /^\s*protocol:(\d+) port:(\d+)\s*$/;
const DSCP = /^\s*dscp:(\d+)\s*$/;
const NAT = /^\s*type:(clusterip|nodeport) port:(\d+) target_port:(\d+)\s*(counters:)?\s*$/;
const COUNTERS = /^\s*counters:\s*$/;
const COUNTER = /^\s+([a-z][a-z ]*[a-z]): (\d+)\s*$/;
const AS_COUNT = /^\s*#as:(\d+)\s*$/;
const AS_LINE = /^\s*(\S+) weight:(\d+) buckets:(\d+) flows:(\d+) dpo:(\d+) +(used|removed)\s*$/;
const AS_LINE_OLD = /^\s*(\S+) (\d+) buckets +(\d+) flows +dpo:(\d+) +(used|removed)\s*$/;

/** Canonical text of an address VPP printed: dotted IPv4, or RFC 5952 IPv6. */
function canonicalAddress(text: string, lineNo: number, line: string): string {
  const v = isIP(text);
  if (v === 4) return text;
  if (v !== 6 || text.includes('.')) throw new ShowLbVipsParseError(`bad address "${text}"`, lineNo, line);
  const [head = '', tail] = text.toLowerCase().split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t].map((g) =>
    Number.parseInt(g, 16),
  );
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function canonicalPrefix(text: string, lineNo: number, line: string): string {
  const slash = text.lastIndexOf('/');
  const len = Number(text.slice(slash + 1));
  if (slash < 0 || !/^\d+$/.test(text.slice(slash + 1))) {
    throw new ShowLbVipsParseError(`bad prefix "${text}"`, lineNo, line);
  }
  const addr = canonicalAddress(text.slice(0, slash), lineNo, line);
  const ip4 = isIP(addr) === 4;
  if (len > (ip4 ? 32 : 128))
    throw new ShowLbVipsParseError(`prefix length ${len} out of range`, lineNo, line);
  return `${addr}/${len}`;
}

interface Draft {
  index: number;
  type: string;
  encap: LbEncap;
  prefix: string;
  protocol: number;
  port: number;
  srcIpSticky: boolean;
  removed: boolean;
  newSize: number | null;
  dscp: number | null;
  nat: ShowLbVip['nat'];
  counters: Record<string, number>;
  asCount: number | null;
  ases: ShowLbVipAs[];
  line: number;
  text: string;
}

function finish(d: Draft, strict: boolean): ShowLbVip {
  if (d.newSize === null) throw new ShowLbVipsParseError('VIP without a new_size line', d.line, d.text);
  if (strict && d.asCount !== null && d.asCount !== d.ases.length) {
    throw new ShowLbVipsParseError(`#as:${d.asCount} but ${d.ases.length} AS lines`, d.line, d.text);
  }
  return {
    index: d.index,
    type: d.type,
    encap: d.encap,
    prefix: d.prefix,
    protocol: d.protocol,
    port: d.port,
    srcIpSticky: d.srcIpSticky,
    removed: d.removed,
    newSize: d.newSize,
    dscp: d.dscp,
    nat: d.nat,
    counters: d.counters,
    ases: d.ases,
  };
}

type LineRule = readonly [RegExp, (d: Draft, m: RegExpExecArray, lineNo: number, line: string) => void];

/** Lines inside a VIP block, tried in order. */
const RULES: readonly LineRule[] = [
  [
    NEW_SIZE,
    (d, m) => {
      d.newSize = Number(m[1]);
    },
  ],
  [
    PROTO_PORT,
    (d, m) => {
      d.protocol = Number(m[1]);
      d.port = Number(m[2]);
    },
  ],
  [
    DSCP,
    (d, m) => {
      d.dscp = Number(m[1]);
    },
  ],
  [
    NAT,
    (d, m) => {
      d.nat = { srvType: m[1] as 'clusterip' | 'nodeport', port: Number(m[2]), targetPort: Number(m[3]) };
    },
  ],
  [COUNTERS, () => {}],
  [
    AS_COUNT,
    (d, m) => {
      d.asCount = Number(m[1]);
    },
  ],
  [
    AS_LINE,
    (d, m, lineNo, line) => {
      d.ases.push({
        address: canonicalAddress(m[1] as string, lineNo, line),
        weight: Number(m[2]),
        buckets: Number(m[3]),
        flows: Number(m[4]),
        dpo: Number(m[5]),
        removed: m[6] === 'removed',
      });
    },
  ],
  [
    AS_LINE_OLD,
    (d, m, lineNo, line) => {
      d.ases.push({
        address: canonicalAddress(m[1] as string, lineNo, line),
        weight: null,
        buckets: Number(m[2]),
        flows: Number(m[3]),
        dpo: Number(m[4]),
        removed: m[5] === 'removed',
      });
    },
  ],
];

function header(h: RegExpExecArray, lineNo: number, line: string): Draft {
  const [, family = '', enc = '', index = '', prefix = '', sticky, removed] = h;
  const encap = ENCAPS[enc];
  if (encap === undefined)
    throw new ShowLbVipsParseError(`unknown VIP type "${family}-${enc}"`, lineNo, line);
  return {
    index: Number(index),
    type: `${family}-${enc}`,
    encap,
    prefix: canonicalPrefix(prefix, lineNo, line),
    protocol: 255,
    port: 0,
    srcIpSticky: sticky !== undefined,
    removed: removed !== undefined,
    newSize: null,
    dscp: null,
    nat: null,
    counters: {},
    asCount: null,
    ases: [],
    line: lineNo,
    text: line,
  };
}

/**
 * Parses `show lb vips verbose` output into one entry per VIP record, in VPP's (pool) order.
 * Empty output (no VIPs) gives an empty list.
 *
 * @throws {@link ShowLbVipsParseError} for text before the first VIP header, a bad address or
 *   prefix, an unknown VIP type, or a VIP without a new_size line; with `strict` also for
 *   unrecognised lines and AS counts that do not add up.
 * @public
 */
export function parseShowLbVipsVerbose(text: string, options: ParseShowLbVipsOptions = {}): ShowLbVip[] {
  const strict = options.strict ?? false;
  const out: ShowLbVip[] = [];
  let cur: Draft | null = null;
  const lines = text.replace(/\0+$/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    if (line.trim() === '') continue;
    const h = HEADER.exec(line);
    if (h) {
      if (cur) out.push(finish(cur, strict));
      cur = header(h, lineNo, line);
      continue;
    }
    if (cur === null) {
      throw new ShowLbVipsParseError('expected a VIP header ("<type> [<index>] <prefix>")', lineNo, line);
    }
    const d: Draft = cur;
    const rule = RULES.map((r) => [r, r[0].exec(line)] as const).find(([, m]) => m !== null);
    if (rule) {
      rule[0][1](d, rule[1] as RegExpExecArray, lineNo, line);
      continue;
    }
    const c = COUNTER.exec(line);
    if (c && d.asCount === null) d.counters[c[1] as string] = Number(c[2]);
    else if (strict) throw new ShowLbVipsParseError('unrecognised line', lineNo, line);
  }
  if (cur) out.push(finish(cur, strict));
  return out;
}
