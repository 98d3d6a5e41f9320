import type { Duration } from '@bufbuild/protobuf/wkt';
import type * as pb from '../api/gen/maglev_pb.js';
import type {
  BackendStateName,
  BackendView,
  DashboardEvent,
  FrontendStateName,
  FrontendView,
  HealthCheckView,
  LbStateView,
  PreviewView,
  ProbeView,
  TransitionView,
  VppInfoView,
} from './types.js';

/**
 * Conversions from maglevd's protobuf messages to the dashboard's JSON model: nanoseconds
 * become milliseconds (0 meaning "unknown" becomes null) and unknown state words are kept
 * visible as `unknown` rather than dropped.
 */

const BACKEND_STATES = new Set<string>(['unknown', 'up', 'down', 'paused', 'disabled', 'removed']);

function backendState(s: string): BackendStateName {
  return BACKEND_STATES.has(s) ? (s as BackendStateName) : 'unknown';
}

function frontendState(s: string): FrontendStateName {
  return s === 'up' || s === 'down' ? s : 'unknown';
}

/**
 * Unix nanoseconds to milliseconds; 0 (unset) is null.
 *
 * @internal
 */
export function msOfNs(ns: bigint): number | null {
  return ns === 0n ? null : Number(ns / 1_000_000n);
}

function msOfDuration(d: Duration | undefined): number {
  if (!d) return 0;
  return Number(d.seconds) * 1000 + Math.round(d.nanos / 1_000_000);
}

/**
 * maglevd's FrontendInfo as the dashboard's {@link FrontendView}.
 *
 * @internal
 */
export function frontendView(f: pb.FrontendInfo): FrontendView {
  return {
    name: f.name,
    description: f.description,
    address: f.address,
    protocol: f.protocol,
    port: f.port,
    srcIpSticky: f.srcIpSticky,
    flushOnDown: f.flushOnDown,
    state: frontendState(f.state),
    activePool: f.activePool,
    pools: f.pools.map((p) => ({
      name: p.name,
      backends: p.backends.map((b) => ({
        name: b.name,
        address: b.address,
        weight: b.weight,
        effectiveWeight: b.effectiveWeight,
        state: backendState(b.state),
        enabled: b.enabled,
        weightOverridden: b.weightOverridden,
      })),
    })),
  };
}

/**
 * A transition as the dashboard's {@link TransitionView}; times in milliseconds.
 *
 * @internal
 */
export function transitionView(t: pb.Transition): TransitionView {
  return {
    from: backendState(t.from),
    to: backendState(t.to),
    at: msOfNs(t.atNs) ?? 0,
    code: t.code,
    detail: t.detail,
  };
}

function probeView(p: pb.ProbeResult | undefined): ProbeView | null {
  if (!p) return null;
  return {
    ok: p.ok,
    code: p.code,
    detail: p.detail,
    durationMs: msOfDuration(p.duration),
    at: msOfNs(p.atNs) ?? 0,
  };
}

/**
 * maglevd's BackendInfo as the dashboard's {@link BackendView}; times in milliseconds.
 *
 * @internal
 */
export function backendView(b: pb.BackendInfo): BackendView {
  return {
    name: b.name,
    address: b.address,
    state: backendState(b.state),
    enabled: b.enabled,
    healthcheck: b.healthcheck,
    stateSince: msOfNs(b.stateSinceNs),
    health: b.health,
    rise: b.rise,
    fall: b.fall,
    lastProbe: probeView(b.lastProbe),
    transitions: b.transitions.map(transitionView),
    frontends: [...b.frontends],
  };
}

/**
 * maglevd's HealthCheckInfo as the dashboard's {@link HealthCheckView}; durations in milliseconds.
 *
 * @internal
 */
export function healthCheckView(h: pb.HealthCheckInfo): HealthCheckView {
  return {
    name: h.name,
    type: h.type,
    port: h.port,
    intervalMs: msOfDuration(h.interval),
    fastIntervalMs: msOfDuration(h.fastInterval),
    downIntervalMs: msOfDuration(h.downInterval),
    timeoutMs: msOfDuration(h.timeout),
    rise: h.rise,
    fall: h.fall,
  };
}

/**
 * maglevd's VPPInfo as the dashboard's {@link VppInfoView}; times in milliseconds.
 *
 * @internal
 */
export function vppInfoView(v: pb.VPPInfo): VppInfoView {
  return {
    version: v.version,
    buildDate: v.buildDate,
    buildDirectory: v.buildDirectory,
    pid: v.pid,
    bootTime: msOfNs(v.boottimeNs),
    connectTime: msOfNs(v.connecttimeNs),
  };
}

/**
 * VPP's lb state as the dashboard's {@link LbStateView}, read at `at` (unix milliseconds);
 * servers VPP is garbage-collecting are left out.
 *
 * @internal
 */
export function lbStateView(s: pb.VPPLBState, at: number): LbStateView {
  return {
    at,
    vips: s.vips.map((v) => ({
      frontend: v.frontend,
      prefix: v.prefix,
      protocol: v.protocol,
      port: v.port,
      encap: v.encap,
      srcIpSticky: v.srcIpSticky,
      flowTableLength: v.flowTableLength,
      // ASes VPP is still garbage-collecting (flags 0) carry no buckets worth showing.
      ases: v.ases
        .filter((a) => a.flags !== 0)
        .map((a) => ({ address: a.address, weight: a.weight, buckets: a.buckets, backend: a.backend })),
    })),
  };
}

/**
 * The dashboard event for one WatchEvents event of maglevd `maglevd`, or null for an empty
 * oneof (a newer maglevd's event kind this build does not know).
 *
 * @internal
 */
export function dashboardEventOf(maglevd: string, e: pb.Event): DashboardEvent | null {
  switch (e.event.case) {
    case 'log':
      return {
        type: 'log',
        maglevd,
        level: e.event.value.level,
        msg: e.event.value.msg,
        attrs: { ...e.event.value.attrs },
        at: msOfNs(e.event.value.atNs) ?? Date.now(),
      };
    case 'backend': {
      const v = e.event.value;
      return {
        type: 'transition',
        maglevd,
        backend: v.backend,
        frontend: v.frontend === '' ? null : v.frontend,
        address: v.address,
        transition: v.transition
          ? transitionView(v.transition)
          : { from: 'unknown', to: 'unknown', at: Date.now(), code: '', detail: '' },
      };
    }
    case 'frontend': {
      const v = e.event.value;
      return {
        type: 'frontend-state',
        maglevd,
        frontend: v.frontend,
        from: frontendState(v.from),
        to: frontendState(v.to),
        at: msOfNs(v.atNs) ?? Date.now(),
      };
    }
    default:
      return null;
  }
}

/**
 * A change preview as the browser gets it.
 *
 * @internal
 */
export function previewView(p: pb.ChangePreview): PreviewView {
  return {
    before: p.before,
    lbConfChanged: p.lbConfChanged,
    assumptions: p.assumptions.map((a) => ({ backend: a.backend, state: a.state, reason: a.reason })),
    vips: p.vips.map((v) => ({
      frontend: v.frontend,
      prefix: v.prefix,
      protocol: v.protocol,
      port: v.port,
      change: v.change,
      recreated: v.recreated,
      flowTableLength: v.flowTableLength,
      movedBuckets: v.movedBuckets,
      servers: v.servers.map((x) => ({
        address: x.address,
        backend: x.backend,
        change: x.change,
        weightBefore: x.weightBefore,
        weightAfter: x.weightAfter,
        bucketsBefore: x.bucketsBefore,
        bucketsAfter: x.bucketsAfter,
        flush: x.flush,
      })),
    })),
  };
}
