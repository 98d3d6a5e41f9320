import { formatDuration } from '../util/duration.js';
import type { ErrorEntry } from './error-log.js';
import type { MonitorSnapshot, VipRow } from './monitor.js';
import { ERROR_CLASSES, type ErrorClass } from './outcome.js';
import { formatEndpoint } from './targets.js';
import { formatMs, formatPercent } from './units.js';

/**
 * How text is marked up: blessed tags on the screen, nothing in the summary. Every function
 * wraps text already padded to its column, so markup never shifts the columns.
 */
export interface Style {
  /** Makes text safe to show (blessed treats braces as tags). */
  text(s: string): string;
  bold(s: string): string;
  /** A tally value seen within the recency window. */
  live(s: string): string;
  /** A tally value not seen lately: that backend is drained. */
  drained(s: string): string;
  good(s: string): string;
  bad(s: string): string;
  errorClass(cls: ErrorClass, s: string): string;
}

export const plainStyle: Style = {
  text: (s) => s,
  bold: (s) => s,
  live: (s) => s,
  // Without colour a drained value is set apart by parentheses.
  drained: (s) => `(${s})`,
  good: (s) => s,
  bad: (s) => s,
  errorClass: (_c, s) => s,
};

const escapeTags = (s: string) => s.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
const CLASS_COLOUR: Readonly<Record<ErrorClass, string>> = {
  timeout: 'yellow',
  'http-err': 'magenta',
  'net-err': 'red',
  spike: 'cyan',
};

/**
 * blessed tags: live tally values bright white, drained ones grey. On a terminal of 8 colours
 * grey would be black, so there drained values are plain: still set apart from the bold live ones.
 */
export function tagStyle(colors: number): Style {
  const grey = colors >= 16;
  return {
    text: escapeTags,
    bold: (s) => `{bold}${s}{/bold}`,
    live: (s) => `{bold}{white-fg}${escapeTags(s)}{/white-fg}{/bold}`,
    drained: (s) => (grey ? `{gray-fg}${escapeTags(s)}{/gray-fg}` : escapeTags(s)),
    good: (s) => `{green-fg}${s}{/green-fg}`,
    bad: (s) => `{red-fg}${s}{/red-fg}`,
    errorClass: (c, s) => `{${CLASS_COLOUR[c]}-fg}${s}{/${CLASS_COLOUR[c]}-fg}`,
  };
}

/** Wall-clock time of day, HH:MM:SS, in the local time zone. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Elapsed time rounded to the second: "0s", "42s", "1h2m3s". */
export function formatElapsed(ms: number): string {
  return formatDuration(Math.max(0, Math.floor(ms / 1000)) * 1000);
}

type Align = 'left' | 'right';
interface Column {
  readonly head: string;
  readonly align: Align;
  readonly cell: (r: VipRow) => string;
}

const COLUMNS: readonly Column[] = [
  { head: 'VIP', align: 'left', cell: (r) => r.target.name },
  { head: 'ADDRESS', align: 'left', cell: (r) => formatEndpoint(r.target) },
  { head: 'PROBE', align: 'left', cell: (r) => r.target.kind ?? '-' },
  { head: 'N', align: 'right', cell: (r) => String(r.total) },
  { head: 'FAIL', align: 'right', cell: (r) => String(r.failed) },
  { head: 'OK%', align: 'right', cell: (r) => formatPercent(r.total - r.failed, r.total) },
  { head: 'P50', align: 'right', cell: (r) => formatMs(r.latency.p50) },
  { head: 'P95', align: 'right', cell: (r) => formatMs(r.latency.p95) },
  { head: 'P99', align: 'right', cell: (r) => formatMs(r.latency.p99) },
  { head: 'MAX', align: 'right', cell: (r) => formatMs(r.latency.max) },
  { head: 'LAST', align: 'left', cell: (r) => r.last ?? '-' },
];
/** Columns a VIP that is not probed fills; the reason takes the place of the rest. */
const SKIPPED_COLUMNS = 3;

const pad = (s: string, width: number, align: Align) =>
  align === 'left' ? s.padEnd(width) : s.padStart(width);

function formatTally(r: VipRow, style: Style): string {
  if (r.target.kind === 'tcp') return '';
  return r.tally
    .map((e) => {
      const s = `${e.value}=${e.count}`;
      return e.live ? style.live(s) : style.drained(s);
    })
    .join('  ');
}

/**
 * The VIP table: a heading line, then one line per VIP. The last column is the tally of
 * `headerName`, values in name order.
 */
export function formatTable(snapshot: MonitorSnapshot, headerName: string, style: Style): string[] {
  const cells = snapshot.rows.map((r) => COLUMNS.map((c) => c.cell(r)));
  const widths = COLUMNS.map((c, i) =>
    Math.max(
      c.head.length,
      ...cells.map((row, j) =>
        (snapshot.rows[j] as VipRow).target.kind === null && i >= SKIPPED_COLUMNS
          ? 0
          : (row[i] as string).length,
      ),
    ),
  );
  const head = [...COLUMNS.map((c, i) => pad(c.head, widths[i] as number, c.align)), headerName].join('  ');
  const lines = [style.bold(style.text(head))];
  snapshot.rows.forEach((r, j) => {
    const row = cells[j] as string[];
    const parts = COLUMNS.map((c, i) => style.text(pad(row[i] as string, widths[i] as number, c.align)));
    if (r.target.kind === null) {
      lines.push(
        [...parts.slice(0, SKIPPED_COLUMNS), style.text(`not probed: ${r.target.reason}`)]
          .join('  ')
          .trimEnd(),
      );
      return;
    }
    const last = COLUMNS.length - 1;
    if (r.lastOk !== null) parts[last] = (r.lastOk ? style.good : style.bad)(parts[last] as string);
    const failIdx = COLUMNS.findIndex((c) => c.head === 'FAIL');
    if (r.failed > 0) parts[failIdx] = style.bad(parts[failIdx] as string);
    lines.push([...parts, formatTally(r, style)].join('  ').trimEnd());
  });
  return lines;
}

/** Error panel lines, oldest first; at most `max` of the newest. */
export function formatErrors(entries: readonly ErrorEntry[], style: Style, max: number): string[] {
  const shown = max <= 0 ? [] : entries.slice(-max);
  const vipWidth = Math.max(0, ...shown.map((e) => e.vip.length));
  const clsWidth = Math.max(...ERROR_CLASSES.map((c) => c.length));
  return shown.map((e) => {
    const repeat = e.count > 1 ? `  x${e.count} since ${formatClock(e.firstAt)}` : '';
    return [
      formatClock(e.lastAt),
      style.text(e.vip.padEnd(vipWidth)),
      style.errorClass(e.cls, e.cls.padEnd(clsWidth)),
      style.text(`${e.detail}${repeat}`),
    ].join('  ');
  });
}

/** "3 net-err, 1 timeout" in class order, classes with none left out; "none" when all are 0. */
export function formatErrorTotals(totals: Readonly<Record<ErrorClass, number>>): string {
  const parts = ERROR_CLASSES.filter((c) => totals[c] > 0).map((c) => `${totals[c]} ${c}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export interface RunInfo {
  readonly program: string;
  readonly version: string;
  readonly fqdn: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly uri: string;
  readonly keepalive: boolean;
}

function probedCount(snapshot: MonitorSnapshot): number {
  return snapshot.rows.filter((r) => r.target.kind !== null).length;
}

/** The screen's title line. */
export function formatTitle(info: RunInfo, snapshot: MonitorSnapshot, paused: boolean): string {
  const n = probedCount(snapshot);
  const parts = [
    `${info.program} ${info.version} on ${info.fqdn}`,
    `${n} VIP${n === 1 ? '' : 's'} every ${formatDuration(info.intervalMs)} (jitter 10%)`,
    `timeout ${formatDuration(info.timeoutMs)}`,
    `GET ${info.uri}`,
    `keepalive ${info.keepalive ? 'on' : 'off'}`,
    `counting for ${formatElapsed(snapshot.at - snapshot.since)}`,
  ];
  return `${parts.join('  |  ')}${paused ? '  |  PAUSED' : ''}`;
}

/**
 * The plain-text report of `maglevt --once`: a title, the VIP table, the error totals and the
 * newest errors, and a result line naming the VIPs that never answered.
 */
export function formatSummary(
  info: RunInfo,
  snapshot: MonitorSnapshot,
  headerName: string,
  failed: readonly VipRow[],
  maxErrors = 20,
): string {
  const n = probedCount(snapshot);
  const lines = [
    `${info.program} ${info.version} on ${info.fqdn}: ${n} VIP${n === 1 ? '' : 's'} probed for ` +
      `${formatElapsed(snapshot.at - snapshot.since)} (every ${formatDuration(info.intervalMs)}, jitter 10%, ` +
      `timeout ${formatDuration(info.timeoutMs)})`,
    '',
    ...formatTable(snapshot, headerName, plainStyle),
    '',
    `errors: ${formatErrorTotals(snapshot.errorTotals)}`,
    ...formatErrors(snapshot.errors, plainStyle, maxErrors).map((l) => `  ${l}`),
    '',
    failed.length === 0
      ? 'result: ok'
      : `result: ${failed.length} VIP${failed.length === 1 ? '' : 's'} failed every probe: ${failed
          .map((r) => r.target.name)
          .join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}
