import type { Duration } from '@bufbuild/protobuf/wkt';
import type * as pb from '../api/gen/maglev_pb.js';
import { formatDuration } from '../util/duration.js';
import type { BuildInfo } from '../version.js';
import { formatSpan, formatTime, keyValues, nsToMs, pairs, type Style, table } from './format.js';

/**
 * Renderers: one pure function per kind of reply, returning lines. `now` (unix milliseconds) is
 * a parameter so "how long ago" is deterministic under test.
 */

function durationMs(d: Duration | undefined): number {
  if (!d) return 0;
  return Number(d.seconds) * 1000 + d.nanos / 1e6;
}

function showDuration(d: Duration | undefined): string {
  return d ? formatDuration(durationMs(d)) : '-';
}

function orDash(s: string): string {
  return s === '' ? '-' : s;
}

/**
 * `show version`: a build's version, commit and date, as label/value rows.
 *
 * @internal
 */
export function renderVersion(info: BuildInfo, style: Style): string[] {
  return keyValues(
    [
      ['version', info.version],
      ['commit', info.commit],
      ['date', info.date],
    ],
    style,
  );
}

function upCount(f: pb.FrontendInfo): string {
  const members = new Map<string, string>();
  for (const p of f.pools) for (const b of p.backends) members.set(b.name, b.state);
  const up = [...members.values()].filter((s) => s === 'up').length;
  return `${up}/${members.size}`;
}

/**
 * The bare listing of `show frontends|backends|healthchecks`: one name per line and nothing
 * else (no header, no colour, nothing at all when there are none), so that
 * `for f in $(maglevc show frontends)` works as with the Go maglevc.
 *
 * @internal
 */
export function renderNames(names: readonly string[]): string[] {
  return [...names];
}

/**
 * The footnote under a frontend whose pool members carry an operator's weight.
 *
 * @internal
 */
export const OVERRIDE_LEGEND = '* weight set at runtime by an operator, not from the config';

/**
 * `show frontends detail`: a table, one row per frontend with its state, active pool and how
 * many of its backends are up.
 *
 * @internal
 */
export function renderFrontendList(frontends: readonly pb.FrontendInfo[], style: Style): string[] {
  if (frontends.length === 0) return ['no frontends'];
  return table(
    ['name', 'address', 'protocol', 'port', 'state', 'active-pool', 'up', 'description'],
    frontends.map((f) => [
      f.name,
      f.address,
      f.protocol,
      String(f.port),
      orDash(f.state),
      f.pools[f.activePool]?.name ?? '-',
      upCount(f),
      f.description,
    ]),
    style,
  );
}

/**
 * `show frontend <name>`: the frontend's settings, then each pool and its members with their
 * state and weights.
 *
 * @internal
 */
export function renderFrontend(f: pb.FrontendInfo, style: Style): string[] {
  const lines = keyValues(
    [
      ['name', f.name],
      ['address', f.address],
      ['protocol', f.protocol],
      ['port', String(f.port)],
      ['description', f.description],
      ['state', orDash(f.state)],
      ['src-ip-sticky', String(f.srcIpSticky)],
      ['flush-on-down', String(f.flushOnDown)],
    ],
    style,
  );
  lines.push(style.label('pools'));
  // Fixed-width columns across all pools, so members line up under each other.
  const members = f.pools.flatMap((p) => p.backends);
  const nameW = Math.max(0, ...members.map((b) => b.name.length));
  const addrW = Math.max(0, ...members.map((b) => b.address.length));
  const stateW = Math.max(0, ...members.map((b) => b.state.length));
  f.pools.forEach((p, i) => {
    const active = i === f.activePool && f.state === 'up';
    lines.push(`  ${p.name}${active ? ' (active)' : ''}`);
    for (const b of p.backends) {
      const notes: string[] = [];
      // An override is shown even when it sets the default 100: it still outlives the config.
      if (b.weight !== 100 || b.weightOverridden)
        notes.push(`${style.label('weight')} ${b.weight}${b.weightOverridden ? '*' : ''}`);
      if (!b.enabled) notes.push('[disabled]');
      const cols = [b.name.padEnd(nameW), b.address.padEnd(addrW), b.state.padEnd(stateW), ...notes];
      lines.push(`    ${cols.join('  ')}`.trimEnd());
    }
  });
  if (members.some((b) => b.weightOverridden)) lines.push(OVERRIDE_LEGEND);
  return lines;
}

/**
 * `show backends detail`: a table, one row per backend with its state and for how long
 * (against `now`, unix milliseconds).
 *
 * @internal
 */
export function renderBackendList(backends: readonly pb.BackendInfo[], now: number, style: Style): string[] {
  if (backends.length === 0) return ['no backends'];
  return table(
    ['name', 'address', 'state', 'for', 'enabled', 'healthcheck', 'frontends'],
    backends.map((b) => [
      b.name,
      b.address,
      b.state,
      b.stateSinceNs === 0n ? '-' : formatSpan(now - nsToMs(b.stateSinceNs)),
      String(b.enabled),
      orDash(b.healthcheck),
      b.frontends.join(','),
    ]),
    style,
  );
}

function probeLine(p: pb.ProbeResult | undefined, now: number): string {
  if (!p || p.atNs === 0n) return '-';
  const parts = [p.ok ? 'ok' : 'failed', p.code];
  if (p.detail) parts.push(p.detail);
  if (p.duration) parts.push(`in ${showDuration(p.duration)}`);
  return `${parts.join(' ')}, ${formatSpan(now - nsToMs(p.atNs))} ago`;
}

/**
 * `show backend <name>`: state, health counter, last probe and recent transitions; ages are
 * taken against `now` (unix milliseconds).
 *
 * @internal
 */
export function renderBackend(b: pb.BackendInfo, now: number, style: Style): string[] {
  const since = b.stateSinceNs === 0n ? '' : ` for ${formatSpan(now - nsToMs(b.stateSinceNs))}`;
  const lines = keyValues(
    [
      ['name', b.name],
      ['address', b.address],
      ['state', `${b.state}${since}`],
      ['enabled', String(b.enabled)],
      ['healthcheck', orDash(b.healthcheck)],
      ['health', `${b.health} (rise ${b.rise}, fall ${b.fall})`],
      ['frontends', b.frontends.length > 0 ? b.frontends.join(', ') : '-'],
      ['last-probe', probeLine(b.lastProbe, now)],
    ],
    style,
  );
  lines.push(style.label('transitions'));
  if (b.transitions.length === 0) {
    lines.push('  none');
    return lines;
  }
  const rows = b.transitions.map((t) => {
    const ms = nsToMs(t.atNs);
    return [formatTime(ms), `${t.from} -> ${t.to}`, t.code, `${formatSpan(now - ms)} ago`, t.detail];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  for (const r of rows) {
    lines.push(`  ${r.map((c, i) => (i < 4 ? c.padEnd(widths[i] as number) : c)).join('  ')}`.trimEnd());
  }
  return lines;
}

/**
 * `show healthchecks detail`: a table, one row per health check with its intervals.
 *
 * @internal
 */
export function renderHealthCheckList(checks: readonly pb.HealthCheckInfo[], style: Style): string[] {
  if (checks.length === 0) return ['no health checks'];
  return table(
    ['name', 'type', 'port', 'interval', 'fast-interval', 'down-interval', 'timeout', 'rise', 'fall'],
    checks.map((h) => [
      h.name,
      h.type,
      h.port === 0 ? '-' : String(h.port),
      showDuration(h.interval),
      showDuration(h.fastInterval),
      showDuration(h.downInterval),
      showDuration(h.timeout),
      String(h.rise),
      String(h.fall),
    ]),
    style,
  );
}

/**
 * `show healthcheck <name>`: the check's settings.
 *
 * @internal
 */
export function renderHealthCheck(h: pb.HealthCheckInfo, style: Style): string[] {
  const rows: Array<readonly [string, string]> = [
    ['name', h.name],
    ['type', h.type],
    ['port', h.port === 0 ? '-' : String(h.port)],
    ['interval', showDuration(h.interval)],
    ['fast-interval', showDuration(h.fastInterval)],
    ['down-interval', showDuration(h.downInterval)],
    ['timeout', showDuration(h.timeout)],
    ['rise', String(h.rise)],
    ['fall', String(h.fall)],
  ];
  if (h.probeIpv4Src) rows.push(['probe-ipv4-src', h.probeIpv4Src]);
  if (h.probeIpv6Src) rows.push(['probe-ipv6-src', h.probeIpv6Src]);
  const http = h.http;
  if (http) {
    rows.push(['path', orDash(http.path)], ['method', orDash(http.method)]);
    if (http.host) rows.push(['host', http.host]);
    rows.push(['response-codes', orDash(http.responseCodes)]);
    if (http.responseRegex) rows.push(['response-regex', http.responseRegex]);
    if (http.serverName) rows.push(['server-name', http.serverName]);
    if (h.type === 'https') rows.push(['insecure-skip-verify', String(http.insecureSkipVerify)]);
  }
  return keyValues(rows, style);
}

/**
 * `show vpp info`: VPP's version, build, pid and uptime (against `now`).
 *
 * @internal
 */
export function renderVppInfo(v: pb.VPPInfo, now: number, style: Style): string[] {
  const boot = nsToMs(v.boottimeNs);
  const conn = nsToMs(v.connecttimeNs);
  return keyValues(
    [
      ['version', v.version],
      ['build-date', v.buildDate],
      ['build-dir', v.buildDirectory],
      ['vpp-pid', String(v.pid)],
      ['vpp-boottime', v.boottimeNs === 0n ? '-' : `${formatTime(boot)} (up ${formatSpan(now - boot)})`],
      ['connected', v.connecttimeNs === 0n ? '-' : `${formatTime(conn)} (for ${formatSpan(now - conn)})`],
    ],
    style,
  );
}

/**
 * `show vpp lb state`: VPP's global lb settings, then its VIPs and their application servers
 * with weights and buckets.
 *
 * @internal
 */
export function renderLbState(s: pb.VPPLBState, style: Style): string[] {
  const lines = [style.label('global')];
  const c = s.conf;
  lines.push(
    ...keyValues(
      [
        ['ip4-src-address', orDash(c?.ip4SrcAddress ?? '')],
        ['ip6-src-address', orDash(c?.ip6SrcAddress ?? '')],
        ['sticky-buckets-per-core', String(c?.stickyBucketsPerCore ?? 0)],
        ['flow-timeout', `${c?.flowTimeout ?? 0}s`],
      ],
      style,
      '  ',
    ),
  );
  if (s.vips.length === 0) lines.push('no VIPs');
  for (const v of s.vips) {
    lines.push(
      pairs(
        [
          ['vip', v.prefix],
          ['protocol', v.protocol],
          ['port', String(v.port)],
        ],
        style,
      ),
    );
    lines.push(
      ...keyValues(
        [
          ['frontend', orDash(v.frontend)],
          ['encap', v.encap],
          ['src-ip-sticky', String(v.srcIpSticky)],
          ['flow-table-length', String(v.flowTableLength)],
        ],
        style,
        '  ',
      ),
    );
    const addrW = Math.max(0, ...v.ases.map((a) => a.address.length));
    const weightW = Math.max(0, ...v.ases.map((a) => String(a.weight).length));
    for (const a of v.ases) {
      lines.push(
        `  ${pairs(
          [
            ['address', a.address],
            ['weight', String(a.weight)],
            ['flow-table-buckets', String(a.buckets)],
          ],
          style,
          [addrW, weightW],
        )}`,
      );
    }
  }
  return lines;
}

/**
 * `show vpp lb counters`: VPP's lb counters per VIP.
 *
 * @internal
 */
export function renderLbCounters(c: pb.VPPLBCounters, style: Style): string[] {
  if (c.vips.length === 0) return ['no VIPs'];
  return table(
    ['vip', 'protocol', 'port', 'frontend', 'first', 'next', 'untracked', 'no-server', 'packets', 'bytes'],
    c.vips.map((v) => [
      v.prefix,
      v.protocol,
      String(v.port),
      orDash(v.frontend),
      String(v.firstPackets),
      String(v.nextPackets),
      String(v.untrackedPackets),
      String(v.noServerPackets),
      String(v.routePackets),
      String(v.routeBytes),
    ]),
    style,
  );
}

/**
 * The answer to `sync vpp lbstate`: what the sync changed.
 *
 * @internal
 */
export function renderSync(r: pb.SyncVPPLBStateResponse, style: Style): string[] {
  return keyValues(
    [
      ['scope', r.scope],
      ['vip-added', String(r.vipAdded)],
      ['vip-removed', String(r.vipRemoved)],
      ['as-added', String(r.asAdded)],
      ['as-removed', String(r.asRemoved)],
      ['as-weight-updated', String(r.asWeightUpdated)],
    ],
    style,
  );
}

/**
 * The one-line answer to `set backend <name> <action>`.
 *
 * @internal
 */
export function renderBackendAction(b: pb.BackendInfo, style: Style): string[] {
  return [
    pairs(
      [
        ['backend', b.name],
        ['state', b.state],
        ['enabled', String(b.enabled)],
      ],
      style,
    ),
  ];
}

function share(moved: number, length: number): string {
  if (length === 0) return '0%';
  const pct = (100 * moved) / length;
  // Never round a change to 0% or a partial one to 100%: the exact counts follow anyway.
  const text = pct > 0 && pct < 0.1 ? '<0.1' : pct < 100 && pct > 99.9 ? '>99.9' : pct.toFixed(1);
  return `${text}%`;
}

function fromTo(before: number, after: number): string {
  return before === after ? String(after) : `${before} -> ${after}`;
}

const SERVER_MARK: Record<string, string> = { added: '+', removed: '-', changed: '~', unchanged: ' ' };

/**
 * A change preview (`config diff`, `... dry-run`): one line per VIP that changes, with the share
 * of new flows that would land on a different server, then its servers whose weight, buckets or
 * flows change; a summary line; the assumptions the preview had to make.
 *
 * @internal
 */
export function renderPreview(p: pb.ChangePreview, style: Style): string[] {
  const lines: string[] = [];
  for (const v of p.vips) {
    if (v.change === 'unchanged') continue;
    const where = `${v.frontend || '(not in the config)'} ${v.prefix} ${v.protocol}${v.port === 0 ? '' : `/${v.port}`}`;
    const what = v.recreated ? `${v.change}, re-created (every flow re-hashed)` : v.change;
    lines.push(
      `${where}: ${what}; ${share(v.movedBuckets, v.flowTableLength)} of new flows move ` +
        `(${v.movedBuckets}/${v.flowTableLength} buckets)`,
    );
    const rows = v.servers
      .filter(
        (s) =>
          s.change !== 'unchanged' ||
          s.flush ||
          s.bucketsBefore !== s.bucketsAfter ||
          s.weightBefore !== s.weightAfter,
      )
      .map((s) => ({
        mark: SERVER_MARK[s.change] ?? ' ',
        name: s.backend || '-',
        address: s.address,
        weight: fromTo(s.weightBefore, s.weightAfter),
        buckets: fromTo(s.bucketsBefore, s.bucketsAfter),
        flush: s.flush ? 'flush' : '',
      }));
    const w = (k: 'name' | 'address' | 'weight' | 'buckets') => Math.max(...rows.map((r) => r[k].length));
    for (const r of rows) {
      lines.push(
        `  ${r.mark} ${r.name.padEnd(w('name'))}  ${r.address.padEnd(w('address'))}  ` +
          `${style.label('weight')} ${r.weight.padEnd(w('weight'))}  ${style.label('buckets')} ` +
          `${r.buckets.padEnd(w('buckets'))}  ${r.flush}`.trimEnd(),
      );
    }
  }
  if (p.lbConfChanged) lines.push('lb conf changes (a new sticky-buckets-per-core re-hashes every flow)');
  const counts = [
    [p.vipsAdded, 'added'],
    [p.vipsRemoved, 'removed'],
    [p.vipsChanged, 'changed'],
    [p.vipsUnchanged, 'unchanged'],
  ] as const;
  const vips = p.vipsAdded + p.vipsRemoved + p.vipsChanged + p.vipsUnchanged;
  const summary = counts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
  const before =
    p.before === 'vpp' ? 'against what VPP holds now' : "against maglevd's plan (VPP not connected)";
  lines.push(
    `${previewChanges(p) ? '' : 'no change: '}${vips} VIP${vips === 1 ? '' : 's'}${summary ? `: ${summary}` : ''}, ${before}`,
  );
  for (const a of p.assumptions) {
    lines.push(
      a.state === 'up'
        ? `assumes ${a.backend} (${a.reason}) passes its health check: up`
        : `assumes ${a.backend} (${a.reason}) starts ${a.state}: weight 0 until its health check passes`,
    );
  }
  return lines;
}

/**
 * Whether a preview changes anything (the exit status of `config diff` and `dry-run`).
 *
 * @internal
 */
export function previewChanges(p: pb.ChangePreview): boolean {
  return p.lbConfChanged || p.vips.some((v) => v.change !== 'unchanged');
}
