import { withBackendState } from './derive.js';
import type { DashboardEvent, MaglevdSnapshot } from './types.js';

/**
 * Applies one dashboard event to a maglevd's snapshot, returning a new snapshot (or the same
 * object when nothing changes). The server keeps its snapshots with it and the page keeps its
 * copy with it, so a page that loaded a snapshot and then applies the events after it sees
 * what the server sees. Pure.
 *
 * @internal
 */
export function applyEvent(snap: MaglevdSnapshot, ev: DashboardEvent): MaglevdSnapshot {
  switch (ev.type) {
    case 'maglevd':
      return { ...snap, status: ev.status };
    case 'snapshot':
      return ev.snapshot;
    case 'frontend':
      return { ...snap, frontends: upsert(snap.frontends, ev.frontend) };
    case 'backend':
      return { ...snap, backends: upsert(snap.backends, ev.backend) };
    case 'transition': {
      const t = ev.transition;
      const backends = snap.backends.map((b) =>
        b.name === ev.backend && (b.state !== t.to || b.stateSince !== t.at)
          ? { ...b, state: t.to, enabled: t.to !== 'disabled', stateSince: t.at }
          : b,
      );
      const frontends = snap.frontends.map((f) =>
        ev.frontend === null || f.name === ev.frontend ? withBackendState(f, ev.backend, t.to) : f,
      );
      return { ...snap, backends, frontends };
    }
    case 'frontend-state': {
      const frontends = snap.frontends.map((f) =>
        f.name === ev.frontend && f.state !== ev.to ? { ...f, state: ev.to } : f,
      );
      return { ...snap, frontends };
    }
    case 'lbstate':
      return { ...snap, lb: ev.lb };
    case 'vpp':
      return { ...snap, vpp: ev.vpp };
    case 'log':
      return snap;
  }
}

function upsert<T extends { readonly name: string }>(list: readonly T[], item: T): T[] {
  const i = list.findIndex((x) => x.name === item.name);
  if (i < 0) return [...list, item];
  const out = [...list];
  out[i] = item;
  return out;
}
