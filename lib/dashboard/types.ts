/**
 * The JSON model maglevd-frontend serves to browsers: REST snapshots under `/view/api/` and the
 * events of the SSE stream. Shared by the server and the single-page app in web/, so this file
 * imports nothing at runtime. Times are unix milliseconds; names are kept in maglevd's order.
 */

import type { BackendState, FrontendState } from '../model/states.js';

/**
 * A backend state by name, as the dashboard's JSON carries it; a state word this build does not
 * know arrives as `unknown`.
 *
 * @beta
 */
export type BackendStateName = BackendState;
/**
 * A frontend state by name, as the dashboard's JSON carries it: up, down or unknown.
 *
 * @beta
 */
export type FrontendStateName = FrontendState;

/**
 * A backend as a member of one pool of a frontend.
 *
 * @beta
 */
export interface PoolMemberView {
  /** The backend's name in maglevd's configuration. */
  readonly name: string;
  /** The backend's address, canonical text. */
  readonly address: string;
  /** Configured weight 0-100, including a runtime override. */
  readonly weight: number;
  /** The weight VPP is given now. */
  readonly effectiveWeight: number;
  /** The backend's state. */
  readonly state: BackendStateName;
  /** False while an operator has the backend disabled. */
  readonly enabled: boolean;
  /** True when `weight` was set at runtime (a weight action) rather than by the configuration. */
  readonly weightOverridden: boolean;
}

/**
 * One pool of a frontend, in failover order.
 *
 * @beta
 */
export interface PoolView {
  /** The pool's name in the configuration. */
  readonly name: string;
  /** The pool's backends, in configuration order. */
  readonly backends: readonly PoolMemberView[];
}

/**
 * A frontend (a VIP) of a maglevd, with its pools and their backends.
 *
 * @beta
 */
export interface FrontendView {
  /** The frontend's name in the configuration. */
  readonly name: string;
  /** The configuration's free-text description; '' when none. */
  readonly description: string;
  /** The VIP address, canonical text. */
  readonly address: string;
  /** "tcp", "udp" or "any". */
  readonly protocol: string;
  /** The VIP's port; 0 with protocol any. */
  readonly port: number;
  /** Whether VPP hashes on the source address only, keeping a client on one backend. */
  readonly srcIpSticky: boolean;
  /** Whether a backend going down has its established flows flushed. */
  readonly flushOnDown: boolean;
  /** The frontend's aggregate state. */
  readonly state: FrontendStateName;
  /** Index into `pools` of the pool that serves now: the first with a backend up. */
  readonly activePool: number;
  /** The pools, in failover order. */
  readonly pools: readonly PoolView[];
}

/**
 * A state change of a backend.
 *
 * @beta
 */
export interface TransitionView {
  /** The state left. */
  readonly from: BackendStateName;
  /** The state entered. */
  readonly to: BackendStateName;
  /** When, unix milliseconds. */
  readonly at: number;
  /**
   * The HAProxy-style code of the probe that caused it (L4OK, L7STS, …), or the operator
   * action (paused, resumed, disabled, enabled, removed).
   */
  readonly code: string;
  /** Human-readable detail of the cause; may be ''. */
  readonly detail: string;
}

/**
 * The result of one health-check probe.
 *
 * @beta
 */
export interface ProbeView {
  /** Whether the probe passed. */
  readonly ok: boolean;
  /** HAProxy-style result code (L4OK, L4TOUT, L7STS, …). */
  readonly code: string;
  /** Human-readable detail, such as the HTTP status or the socket error; may be ''. */
  readonly detail: string;
  /** How long the probe took, milliseconds. */
  readonly durationMs: number;
  /** When it finished, unix milliseconds. */
  readonly at: number;
}

/**
 * A backend of a maglevd with its health-check status and recent history.
 *
 * @beta
 */
export interface BackendView {
  /** The backend's name in the configuration. */
  readonly name: string;
  /** The backend's address, canonical text. */
  readonly address: string;
  /** The backend's state. */
  readonly state: BackendStateName;
  /** False while an operator has the backend disabled. */
  readonly enabled: boolean;
  /** The name of the health check probing it; '' when none. */
  readonly healthcheck: string;
  /** When the backend entered its state; null when maglevd does not know. */
  readonly stateSince: number | null;
  /** The rise/fall counter, 0 to rise+fall-1: at rise or above the backend counts as healthy. */
  readonly health: number;
  /** Consecutive passed probes that bring a down backend up. */
  readonly rise: number;
  /** Consecutive failed probes that take an up backend down. */
  readonly fall: number;
  /** The most recent probe; null before the first one. */
  readonly lastProbe: ProbeView | null;
  /** Recent transitions, oldest first; maglevd keeps a bounded history. */
  readonly transitions: readonly TransitionView[];
  /** Names of the frontends whose pools include the backend. */
  readonly frontends: readonly string[];
}

/**
 * A health check of a maglevd's configuration. Durations are milliseconds.
 *
 * @beta
 */
export interface HealthCheckView {
  /** The health check's name in the configuration. */
  readonly name: string;
  /** The probe type: "icmp", "tcp", "http" or "https". */
  readonly type: string;
  /** The destination port probed; 0 for icmp. */
  readonly port: number;
  /** Time between probes of a backend that is up and steady. */
  readonly intervalMs: number;
  /** Time between probes while a backend is rising or falling. */
  readonly fastIntervalMs: number;
  /** Time between probes of a backend that is down. */
  readonly downIntervalMs: number;
  /** How long one probe may take before it fails. */
  readonly timeoutMs: number;
  /** Consecutive passed probes that bring a down backend up. */
  readonly rise: number;
  /** Consecutive failed probes that take an up backend down. */
  readonly fall: number;
}

/**
 * What maglevd knows of the VPP it programs.
 *
 * @beta
 */
export interface VppInfoView {
  /** VPP's version string. */
  readonly version: string;
  /** VPP's build date, as VPP reports it. */
  readonly buildDate: string;
  /** The directory VPP was built in, as VPP reports it. */
  readonly buildDirectory: string;
  /** VPP's process id. */
  readonly pid: number;
  /** When VPP started; null when unknown. */
  readonly bootTime: number | null;
  /** When maglevd connected to VPP; null when unknown. */
  readonly connectTime: number | null;
}

/**
 * maglevd's VPP connection as the dashboard last saw it; '' until first asked.
 *
 * @beta
 */
export type VppConnectionState = '' | 'connected' | 'disconnected';

/**
 * maglevd's VPP: whether it is connected, and what it is.
 *
 * @beta
 */
export interface VppView {
  /** The connection state. */
  readonly state: VppConnectionState;
  /** VPP's information; null while unknown or not connected. */
  readonly info: VppInfoView | null;
  /** Why VPP information is missing (maglevd's answer), when it is. */
  readonly error: string | null;
}

/**
 * An application server of a VIP in VPP's lb plugin. Servers VPP is still garbage-collecting
 * are left out.
 *
 * @beta
 */
export interface LbAsView {
  /** The server's address, canonical text. */
  readonly address: string;
  /** Its weight in VPP, 0-100. */
  readonly weight: number;
  /** New-flow table buckets pointing at it. */
  readonly buckets: number;
  /** The backend at this address in the VIP's frontend; '' if none. */
  readonly backend: string;
}

/**
 * A VIP as VPP's lb plugin holds it.
 *
 * @beta
 */
export interface LbVipView {
  /** The frontend this VIP belongs to; '' for a VIP maglevd does not manage. */
  readonly frontend: string;
  /** The VIP prefix, such as "198.51.100.1/32". */
  readonly prefix: string;
  /** "tcp", "udp" or "any". */
  readonly protocol: string;
  /** The VIP's port; 0 with protocol any. */
  readonly port: number;
  /** "gre4", "gre6", "l3dsr", "nat4" or "nat6". */
  readonly encap: string;
  /** Whether VPP hashes on the source address only. */
  readonly srcIpSticky: boolean;
  /** Buckets of the VIP's new-flow table. */
  readonly flowTableLength: number;
  /** The VIP's application servers. */
  readonly ases: readonly LbAsView[];
}

/**
 * VPP's lb state as the dashboard last read it from a maglevd.
 *
 * @beta
 */
export interface LbStateView {
  /** Every VIP VPP holds, managed or not. */
  readonly vips: readonly LbVipView[];
  /** When the dashboard read it, unix milliseconds. */
  readonly at: number;
}

/**
 * Whether the dashboard reaches a maglevd.
 *
 * @beta
 */
export interface MaglevdStatus {
  /** Whether the dashboard's last call to it succeeded. */
  readonly connected: boolean;
  /** Whether its WatchEvents stream is attached: changes show at once, not at the next refresh. */
  readonly streaming: boolean;
  /** The last error talking to it, while not connected. */
  readonly error: string | null;
  /** When it became reachable or unreachable, unix milliseconds; null before the first attempt finished. */
  readonly since: number | null;
}

/**
 * Everything the dashboard knows of one maglevd.
 *
 * @beta
 */
export interface MaglevdSnapshot {
  /** Display name: the host of the address, or the whole address when hosts repeat. */
  readonly name: string;
  /** The maglevd's gRPC address, as the dashboard was given it. */
  readonly address: string;
  /** Whether the dashboard reaches it. */
  readonly status: MaglevdStatus;
  /** Its frontends, in maglevd's order; empty until first read. */
  readonly frontends: readonly FrontendView[];
  /** Its backends, in maglevd's order; empty until first read. */
  readonly backends: readonly BackendView[];
  /** Its health checks, in maglevd's order; empty until first read. */
  readonly healthchecks: readonly HealthCheckView[];
  /** Its VPP connection and VPP's information. */
  readonly vpp: VppView;
  /** null until read, or while VPP's lb state cannot be read. */
  readonly lb: LbStateView | null;
}

/**
 * `GET …/api/state`: every maglevd, plus the id of the last event the snapshot includes.
 *
 * @beta
 */
export interface StateResponse {
  /** The SSE id of the last event included; pass it as `Last-Event-ID` to resume the stream. */
  readonly eventId: string;
  /** Every maglevd, in the order the dashboard was given them. */
  readonly maglevds: readonly MaglevdSnapshot[];
}

/**
 * `GET …/api/state/{name}`: one maglevd.
 *
 * @beta
 */
export interface MaglevdStateResponse {
  /** The SSE id of the last event included; pass it as `Last-Event-ID` to resume the stream. */
  readonly eventId: string;
  /** The maglevd asked for. */
  readonly maglevd: MaglevdSnapshot;
}

/**
 * `GET …/api/maglevds`: one entry per maglevd, without its objects.
 *
 * @beta
 */
export interface MaglevdListEntry {
  /** Display name, as in {@link MaglevdSnapshot.name}. */
  readonly name: string;
  /** The maglevd's gRPC address. */
  readonly address: string;
  /** Whether the dashboard reaches it. */
  readonly status: MaglevdStatus;
}

/**
 * `GET …/api/version`: the dashboard's build, and whether this page may act.
 *
 * @beta
 */
export interface VersionResponse {
  /** The release version of maglevd-frontend. */
  readonly version: string;
  /** The source commit it was built from. */
  readonly commit: string;
  /** When it was built. */
  readonly date: string;
  /** Whether this page may use the admin endpoints. */
  readonly admin: boolean;
}

/**
 * One SSE event. The SSE `event:` field is `type`; `data:` is the whole object as JSON.
 * - maglevd: reachability changed;
 * - snapshot: everything about one maglevd (after a refresh that changed something);
 * - frontend / backend: one object re-read after a transition or an admin action;
 * - transition: a backend transition as maglevd reported it (applied at once, the `frontend`
 *   event with the effective weights follows);
 * - frontend-state: a frontend's aggregate state changed;
 * - log: a log record of maglevd (debug and up);
 * - lbstate / vpp: VPP's lb state or VPP's information re-read.
 *
 * `maglevd` is the display name of the maglevd the event is about; times are unix milliseconds.
 *
 * @beta
 */
export type DashboardEvent =
  | { readonly type: 'maglevd'; readonly maglevd: string; readonly status: MaglevdStatus }
  | { readonly type: 'snapshot'; readonly maglevd: string; readonly snapshot: MaglevdSnapshot }
  | { readonly type: 'frontend'; readonly maglevd: string; readonly frontend: FrontendView }
  | { readonly type: 'backend'; readonly maglevd: string; readonly backend: BackendView }
  | {
      readonly type: 'transition';
      readonly maglevd: string;
      readonly backend: string;
      readonly frontend: string | null;
      readonly address: string;
      readonly transition: TransitionView;
    }
  | {
      readonly type: 'frontend-state';
      readonly maglevd: string;
      readonly frontend: string;
      readonly from: FrontendStateName;
      readonly to: FrontendStateName;
      readonly at: number;
    }
  | {
      readonly type: 'log';
      readonly maglevd: string;
      readonly level: string;
      readonly msg: string;
      readonly attrs: Readonly<Record<string, string>>;
      readonly at: number;
    }
  | { readonly type: 'lbstate'; readonly maglevd: string; readonly lb: LbStateView | null }
  | { readonly type: 'vpp'; readonly maglevd: string; readonly vpp: VppView };

/**
 * The `type` of a {@link DashboardEvent}: the SSE `event:` field.
 *
 * @beta
 */
export type DashboardEventType = DashboardEvent['type'];

/**
 * Every {@link DashboardEventType}, for subscribing to each with `EventSource.addEventListener`.
 *
 * @beta
 */
export const DASHBOARD_EVENT_TYPES: readonly DashboardEventType[] = [
  'maglevd',
  'snapshot',
  'frontend',
  'backend',
  'transition',
  'frontend-state',
  'log',
  'lbstate',
  'vpp',
];

/**
 * Admin actions on a backend: `POST …/api/maglevd/{m}/backends/{b}/{action}`.
 *
 * @beta
 */
export type BackendAction = 'pause' | 'resume' | 'enable' | 'disable';

/**
 * Every {@link BackendAction}.
 *
 * @beta
 */
export const BACKEND_ACTIONS: readonly BackendAction[] = ['pause', 'resume', 'enable', 'disable'];

/**
 * Body of `POST …/api/maglevd/{m}/frontends/{f}/pools/{p}/backends/{b}/weight`.
 *
 * @beta
 */
export interface SetWeightBody {
  /** The new weight, an integer 0-100. */
  readonly weight: number;
  /** Also flush the backend's established flows; default false. */
  readonly flush?: boolean;
}

/**
 * Body of `POST …/api/maglevd/{m}/sync`.
 *
 * @beta
 */
export interface SyncBody {
  /** The frontend whose VIP to sync; absent or '' syncs everything. */
  readonly frontend?: string;
}

/**
 * Any action body may carry `dryRun: true` (and, for resume, enable and reload, `assumeUp`):
 * the action is then not made, and the answer is its {@link PreviewResponse}.
 *
 * @beta
 */
export interface DryRunBody {
  /** Preview the action instead of making it. */
  readonly dryRun?: boolean;
  /** In a preview, treat a backend the action leaves unknown as up. */
  readonly assumeUp?: boolean;
}

/**
 * One application server of a VIP, before and after a previewed change.
 *
 * @beta
 */
export interface PreviewServerView {
  /** The server's address, canonical text. */
  readonly address: string;
  /** The backend at this address in the VIP's frontend; '' if none. */
  readonly backend: string;
  /** "added", "removed", "changed" (weight) or "unchanged" (weight; its buckets may still move). */
  readonly change: string;
  /** Its weight in VPP before, 0-100. */
  readonly weightBefore: number;
  /** Its weight in VPP after, 0-100. */
  readonly weightAfter: number;
  /** New-flow table buckets pointing at it before. */
  readonly bucketsBefore: number;
  /** New-flow table buckets pointing at it after, as VPP's Maglev will compute them. */
  readonly bucketsAfter: number;
  /** Whether the change flushes the server's established flows. */
  readonly flush: boolean;
}

/**
 * One VIP, before and after a previewed change.
 *
 * @beta
 */
export interface PreviewVipView {
  /** The frontend this VIP belongs to; '' for a VIP maglevd does not manage. */
  readonly frontend: string;
  /** The VIP prefix, such as "198.51.100.1/32". */
  readonly prefix: string;
  /** "tcp", "udp" or "any". */
  readonly protocol: string;
  /** The VIP's port; 0 with protocol any. */
  readonly port: number;
  /** added, removed, changed or unchanged. */
  readonly change: string;
  /** The VIP is deleted and created again (encap or src-ip-sticky changes): every established flow loses its server. */
  readonly recreated: boolean;
  /** Buckets of the new-flow table after the change (before it, for a removed VIP). */
  readonly flowTableLength: number;
  /** Buckets whose server changes; divided by `flowTableLength`, the share of new flows that go elsewhere. */
  readonly movedBuckets: number;
  /** The VIP's application servers. */
  readonly servers: readonly PreviewServerView[];
}

/**
 * What a change would do to VPP (maglevd's ChangePreview).
 *
 * @beta
 */
export interface PreviewView {
  /** Where "before" comes from: "vpp" (read from VPP for this answer) or "plan" (maglevd's plan, VPP not connected). */
  readonly before: string;
  /** Every VIP the change concerns. */
  readonly vips: readonly PreviewVipView[];
  /**
   * Backends whose state the preview had to assume: `state` is "unknown" or "up" (with
   * assumeUp); `reason` is why it is not known yet ("added", "healthcheck changed", "enabled"
   * or "resumed").
   */
  readonly assumptions: ReadonlyArray<{
    readonly backend: string;
    readonly state: string;
    readonly reason: string;
  }>;
  /** The global lb_conf changes; a new sticky_buckets_per_core re-hashes every established flow. */
  readonly lbConfChanged: boolean;
}

/**
 * The answer to a dry run. A reload that maglevd would refuse has `ok` false and the reasons,
 * and no preview.
 *
 * @beta
 */
export interface PreviewResponse {
  /** False when maglevd would refuse the change. */
  readonly ok: boolean;
  /** Why the configuration file does not parse; '' when it does. */
  readonly parseError: string;
  /** Why the parsed configuration is not valid; '' when it is. */
  readonly semanticError: string;
  /** What the change would do; null when `ok` is false. */
  readonly preview: PreviewView | null;
}

/**
 * Every error answer of the API, whatever the HTTP status.
 *
 * @beta
 */
export interface ErrorResponse {
  /** What went wrong, for a person to read. */
  readonly error: string;
}
