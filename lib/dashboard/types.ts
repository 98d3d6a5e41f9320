/**
 * The JSON model maglevd-frontend serves to browsers: REST snapshots under `/view/api/` and the
 * events of the SSE stream. Shared by the server and the single-page app in web/, so this file
 * imports nothing at runtime. Times are unix milliseconds; names are kept in maglevd's order.
 */

import type { BackendState, FrontendState } from '../model/states.js';

/** A backend state by name, as the dashboard's JSON carries it. */
export type BackendStateName = BackendState;
/** A frontend state by name, as the dashboard's JSON carries it. */
export type FrontendStateName = FrontendState;

export interface PoolMemberView {
  readonly name: string;
  readonly address: string;
  /** Configured weight 0-100, including a runtime override. */
  readonly weight: number;
  /** The weight VPP is given now. */
  readonly effectiveWeight: number;
  readonly state: BackendStateName;
  readonly enabled: boolean;
  readonly weightOverridden: boolean;
}

export interface PoolView {
  readonly name: string;
  readonly backends: readonly PoolMemberView[];
}

export interface FrontendView {
  readonly name: string;
  readonly description: string;
  readonly address: string;
  readonly protocol: string;
  readonly port: number;
  readonly srcIpSticky: boolean;
  readonly flushOnDown: boolean;
  readonly state: FrontendStateName;
  readonly activePool: number;
  readonly pools: readonly PoolView[];
}

export interface TransitionView {
  readonly from: BackendStateName;
  readonly to: BackendStateName;
  readonly at: number;
  readonly code: string;
  readonly detail: string;
}

export interface ProbeView {
  readonly ok: boolean;
  readonly code: string;
  readonly detail: string;
  readonly durationMs: number;
  readonly at: number;
}

export interface BackendView {
  readonly name: string;
  readonly address: string;
  readonly state: BackendStateName;
  readonly enabled: boolean;
  readonly healthcheck: string;
  /** When the backend entered its state; null when maglevd does not know. */
  readonly stateSince: number | null;
  readonly health: number;
  readonly rise: number;
  readonly fall: number;
  readonly lastProbe: ProbeView | null;
  /** Oldest first. */
  readonly transitions: readonly TransitionView[];
  readonly frontends: readonly string[];
}

export interface HealthCheckView {
  readonly name: string;
  readonly type: string;
  readonly port: number;
  readonly intervalMs: number;
  readonly fastIntervalMs: number;
  readonly downIntervalMs: number;
  readonly timeoutMs: number;
  readonly rise: number;
  readonly fall: number;
}

export interface VppInfoView {
  readonly version: string;
  readonly buildDate: string;
  readonly buildDirectory: string;
  readonly pid: number;
  /** When VPP started; null when unknown. */
  readonly bootTime: number | null;
  /** When maglevd connected to VPP; null when unknown. */
  readonly connectTime: number | null;
}

/** maglevd's VPP connection as the dashboard last saw it; '' until first asked. */
export type VppConnectionState = '' | 'connected' | 'disconnected';

export interface VppView {
  readonly state: VppConnectionState;
  readonly info: VppInfoView | null;
  /** Why VPP information is missing (maglevd's answer), when it is. */
  readonly error: string | null;
}

export interface LbAsView {
  readonly address: string;
  readonly weight: number;
  readonly buckets: number;
  readonly backend: string;
}

export interface LbVipView {
  readonly frontend: string;
  readonly prefix: string;
  readonly protocol: string;
  readonly port: number;
  readonly encap: string;
  readonly srcIpSticky: boolean;
  readonly flowTableLength: number;
  readonly ases: readonly LbAsView[];
}

export interface LbStateView {
  readonly vips: readonly LbVipView[];
  /** When the dashboard read it. */
  readonly at: number;
}

/** Whether the dashboard reaches a maglevd. */
export interface MaglevdStatus {
  readonly connected: boolean;
  /** Whether its WatchEvents stream is attached: changes show at once, not at the next refresh. */
  readonly streaming: boolean;
  /** The last error talking to it, while not connected. */
  readonly error: string | null;
  /** When it became reachable or unreachable; null before the first attempt finished. */
  readonly since: number | null;
}

/** Everything the dashboard knows of one maglevd. */
export interface MaglevdSnapshot {
  /** Display name: the host of the address, or the whole address when hosts repeat. */
  readonly name: string;
  readonly address: string;
  readonly status: MaglevdStatus;
  readonly frontends: readonly FrontendView[];
  readonly backends: readonly BackendView[];
  readonly healthchecks: readonly HealthCheckView[];
  readonly vpp: VppView;
  /** null until read, or while VPP's lb state cannot be read. */
  readonly lb: LbStateView | null;
}

/** `GET …/api/state`: every maglevd, plus the id of the last event the snapshot includes. */
export interface StateResponse {
  readonly eventId: string;
  readonly maglevds: readonly MaglevdSnapshot[];
}

/** `GET …/api/state/{name}`. */
export interface MaglevdStateResponse {
  readonly eventId: string;
  readonly maglevd: MaglevdSnapshot;
}

/** `GET …/api/maglevds`. */
export interface MaglevdListEntry {
  readonly name: string;
  readonly address: string;
  readonly status: MaglevdStatus;
}

export interface VersionResponse {
  readonly version: string;
  readonly commit: string;
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

export type DashboardEventType = DashboardEvent['type'];

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

/** Admin actions on a backend: `POST …/api/maglevd/{m}/backends/{b}/{action}`. */
export type BackendAction = 'pause' | 'resume' | 'enable' | 'disable';

export const BACKEND_ACTIONS: readonly BackendAction[] = ['pause', 'resume', 'enable', 'disable'];

/** Body of `POST …/api/maglevd/{m}/frontends/{f}/pools/{p}/backends/{b}/weight`. */
export interface SetWeightBody {
  readonly weight: number;
  readonly flush?: boolean;
}

/** Body of `POST …/api/maglevd/{m}/sync` (empty frontend: everything). */
export interface SyncBody {
  readonly frontend?: string;
}

/**
 * Any action body may carry `dryRun: true` (and, for resume, enable and reload, `assumeUp`):
 * the action is then not made, and the answer is its {@link PreviewResponse}.
 */
export interface DryRunBody {
  readonly dryRun?: boolean;
  readonly assumeUp?: boolean;
}

/** One application server of a VIP, before and after a previewed change. */
export interface PreviewServerView {
  readonly address: string;
  readonly backend: string;
  readonly change: string;
  readonly weightBefore: number;
  readonly weightAfter: number;
  readonly bucketsBefore: number;
  readonly bucketsAfter: number;
  readonly flush: boolean;
}

export interface PreviewVipView {
  readonly frontend: string;
  readonly prefix: string;
  readonly protocol: string;
  readonly port: number;
  /** added, removed, changed or unchanged. */
  readonly change: string;
  readonly recreated: boolean;
  readonly flowTableLength: number;
  readonly movedBuckets: number;
  readonly servers: readonly PreviewServerView[];
}

/** What a change would do to VPP (maglevd's ChangePreview). */
export interface PreviewView {
  /** "vpp" or "plan". */
  readonly before: string;
  readonly vips: readonly PreviewVipView[];
  readonly assumptions: ReadonlyArray<{
    readonly backend: string;
    readonly state: string;
    readonly reason: string;
  }>;
  readonly lbConfChanged: boolean;
}

/**
 * The answer to a dry run. A reload that maglevd would refuse has `ok` false and the reasons,
 * and no preview.
 */
export interface PreviewResponse {
  readonly ok: boolean;
  readonly parseError: string;
  readonly semanticError: string;
  readonly preview: PreviewView | null;
}

/** Every error answer of the API. */
export interface ErrorResponse {
  readonly error: string;
}
