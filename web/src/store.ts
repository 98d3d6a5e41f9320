import { batch, createSignal } from 'solid-js';
import { createStore, reconcile, unwrap } from 'solid-js/store';
import { applyEvent } from '../../lib/dashboard/reduce.js';
import { parseEventId } from '../../lib/dashboard/ring.js';
import {
  DASHBOARD_EVENT_TYPES,
  type DashboardEvent,
  type MaglevdSnapshot,
  type StateResponse,
  type VersionResponse,
} from '../../lib/dashboard/types.js';

/**
 * The page's copy of the dashboard state: loaded once over REST, then kept live from the SSE
 * stream with the same reducer the server uses. Events are numbered; the page applies each
 * once, in order, and only those after the snapshot it loaded. The page keeps no state of its
 * own, so a reload always shows what the server has.
 */

/** "/view/api" or "/admin/api": the page was loaded from one of the two. */
export const apiBase = window.location.pathname.startsWith('/admin/') ? '/admin/api' : '/view/api';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

export interface LogEntry {
  readonly seq: number;
  readonly at: number;
  readonly maglevd: string;
  readonly level: string;
  readonly kind: string;
  readonly text: string;
}

const MAX_LOG = 1000;
/** How long a frontend counts as settling after a transition without a new lb state. */
const SETTLE_MS = 3000;
/** A probe-start without probe-done is forgotten after this long. */
const PROBE_MS = 10_000;

const [state, setState] = createStore<{ maglevds: MaglevdSnapshot[]; loaded: boolean; error: string | null }>(
  {
    maglevds: [],
    loaded: false,
    error: null,
  },
);
const [version, setVersion] = createSignal<VersionResponse | null>(null);
const [stream, setStream] = createSignal<StreamState>('connecting');
const [now, setNow] = createSignal(Date.now());
const [lastEventAt, setLastEventAt] = createSignal<number | null>(null);
/** `maglevd/backend` → when its probe started; absent or 0: idle. */
const [probes, setProbes] = createStore<Record<string, number>>({});
/** maglevd → counters bumped on each vpp-api-send / vpp-api-recv. */
const [pulses, setPulses] = createStore<Record<string, { send: number; recv: number }>>({});
/** `maglevd/frontend` → until when it is settling. */
const [settling, setSettling] = createStore<Record<string, number>>({});
const [log, setLog] = createSignal<readonly LogEntry[]>([]);

export { lastEventAt, log, now, probes, pulses, settling, state, stream, version };

export function isSettling(maglevd: string, frontend: string): boolean {
  return (settling[`${maglevd}/${frontend}`] ?? 0) > now();
}

export function isProbing(maglevd: string, backend: string): boolean {
  const started = probes[`${maglevd}/${backend}`] ?? 0;
  return started > 0 && now() - started < PROBE_MS;
}

export function clearLog(): void {
  setLog([]);
}

let source: EventSource | null = null;
let epoch = '';
let appliedSeq = -1;
/** While a snapshot loads, events wait here; those it already includes are dropped after. */
let buffered: { id: string; ev: DashboardEvent }[] | null = null;
let needLoad = true;
let logSeq = 0;

async function load(): Promise<void> {
  buffered ??= [];
  try {
    const res = await fetch(`${apiBase}/state`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    const body = (await res.json()) as StateResponse;
    const id = parseEventId(body.eventId);
    if (!id) throw new Error(`bad event id ${body.eventId}`);
    epoch = id.epoch;
    appliedSeq = id.seq;
    batch(() => {
      setState('maglevds', reconcile([...body.maglevds], { key: 'name' }));
      setState({ loaded: true, error: null });
    });
    const waiting = buffered ?? [];
    buffered = null;
    for (const w of waiting) handle(w.id, w.ev);
  } catch (e) {
    buffered = null;
    setState('error', `cannot load state: ${e instanceof Error ? e.message : String(e)}`);
    needLoad = true;
    setTimeout(() => {
      if (needLoad && stream() === 'live') {
        needLoad = false;
        void load();
      }
    }, 2000);
  }
}

function resync(): void {
  needLoad = false;
  void load();
}

function receive(id: string, ev: DashboardEvent): void {
  setLastEventAt(Date.now());
  if (buffered) buffered.push({ id, ev });
  else handle(id, ev);
}

function handle(id: string, ev: DashboardEvent): void {
  const parsed = parseEventId(id);
  if (!parsed) return;
  if (parsed.epoch !== epoch) {
    // A server we did not load from (it restarted between our load and this stream).
    resync();
    return;
  }
  if (parsed.seq <= appliedSeq) return;
  appliedSeq = parsed.seq;
  apply(parsed.seq, ev);
}

function addLog(seq: number, entry: Omit<LogEntry, 'seq'>): void {
  setLog((l) => {
    const next = l.length >= MAX_LOG ? l.slice(l.length - MAX_LOG + 1) : l.slice();
    next.push({ seq: seq * 1000 + (logSeq++ % 1000), ...entry });
    return next;
  });
}

function apply(seq: number, ev: DashboardEvent): void {
  if (ev.type === 'log') {
    const key = `${ev.maglevd}/${ev.attrs.backend ?? ''}`;
    if (ev.msg === 'probe-start') setProbes(key, Date.now());
    else if (ev.msg === 'probe-done') setProbes(key, 0);
    else if (ev.msg.startsWith('vpp-api-send') || ev.msg.startsWith('vpp-api-recv')) {
      const dir = ev.msg.startsWith('vpp-api-send') ? 'send' : 'recv';
      const cur = pulses[ev.maglevd] ?? { send: 0, recv: 0 };
      setPulses(ev.maglevd, { ...cur, [dir]: cur[dir] + 1 });
      return;
    }
    const attrs = Object.entries(ev.attrs)
      .map(([k, v]) => `${k}=${/\s/.test(v) ? JSON.stringify(v) : v}`)
      .join(' ');
    addLog(seq, { at: ev.at, maglevd: ev.maglevd, level: ev.level, kind: ev.msg, text: attrs });
    return;
  }
  const i = state.maglevds.findIndex((m) => m.name === ev.maglevd);
  if (i < 0) return;
  const current = unwrap(state.maglevds[i]) as MaglevdSnapshot;
  const next = applyEvent(current, ev);
  batch(() => {
    if (next !== current) setState('maglevds', i, reconcile(next, { key: 'name' }));
    switch (ev.type) {
      case 'transition':
        if (ev.frontend !== null) setSettling(`${ev.maglevd}/${ev.frontend}`, Date.now() + SETTLE_MS);
        addLog(seq, {
          at: ev.transition.at,
          maglevd: ev.maglevd,
          level: 'info',
          kind: 'transition',
          text: `${ev.backend} ${ev.transition.from} → ${ev.transition.to}${ev.frontend ? ` in ${ev.frontend}` : ''}${ev.transition.code ? ` (${ev.transition.code})` : ''}`,
        });
        break;
      case 'lbstate':
        for (const key of Object.keys(settling)) if (key.startsWith(`${ev.maglevd}/`)) setSettling(key, 0);
        break;
      case 'frontend-state':
        if (ev.from !== ev.to)
          addLog(seq, {
            at: ev.at,
            maglevd: ev.maglevd,
            level: ev.to === 'down' ? 'warn' : 'info',
            kind: 'frontend',
            text: `${ev.frontend} ${ev.from} → ${ev.to}`,
          });
        break;
      case 'maglevd':
        addLog(seq, {
          at: ev.status.since ?? Date.now(),
          maglevd: ev.maglevd,
          level: ev.status.connected ? 'info' : 'warn',
          kind: ev.status.connected ? 'maglevd-connected' : 'maglevd-unreachable',
          text: ev.status.error ?? '',
        });
        break;
      default:
    }
  });
}

/** Opens the event stream; on open (the first time, or after a gap) the state is loaded. */
function connect(): void {
  source?.close();
  setStream('connecting');
  const es = new EventSource(`${apiBase}/events`);
  source = es;
  es.onopen = () => {
    setStream('live');
    if (needLoad) {
      needLoad = false;
      void load();
    }
  };
  es.onerror = () => {
    setStream('reconnecting');
    if (es.readyState === EventSource.CLOSED) {
      // The browser gave up (a proxy answered with an error page): start over.
      needLoad = true;
      setTimeout(() => {
        if (source === es) connect();
      }, 3000);
    }
  };
  for (const type of DASHBOARD_EVENT_TYPES)
    es.addEventListener(type, (m) => receive(m.lastEventId, JSON.parse(m.data) as DashboardEvent));
  es.addEventListener('resync', () => resync());
}

let lastTick = Date.now();

/** Starts the page's data: version, state, stream, the 1 s clock and its drift watchdog. */
export function startStore(): void {
  fetch(`${apiBase}/version`, { cache: 'no-store' })
    .then((r) => r.json() as Promise<VersionResponse>)
    .then(setVersion)
    .catch(() => {});
  connect();
  setInterval(() => {
    const t = Date.now();
    // The clock jumped (a laptop woke up): the stream may be a zombie; start over.
    if (t - lastTick > 10_000) {
      needLoad = true;
      connect();
    }
    lastTick = t;
    setNow(t);
  }, 1000);
}

export class ActionError extends Error {}

/** POSTs an admin action; resolves with the JSON answer or rejects with the server's message. */
export async function postAction(path: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(`${apiBase}/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }))) as {
    error?: string;
  };
  if (!res.ok) throw new ActionError(answer.error ?? `${res.status} ${res.statusText}`);
  return answer;
}
