import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { formatAge, frontendHealth } from '../../../lib/dashboard/derive.js';
import type { MaglevdSnapshot } from '../../../lib/dashboard/types.js';
import { apiBase, lastEventAt, now, state, stream, version } from '../store.js';
import { Dot, maglevdTone } from './Badges.jsx';
import { ConfirmDialog } from './Confirm.jsx';
import { EventLog } from './EventLog.jsx';
import { FrontendCard } from './FrontendCard.jsx';
import { Toasts } from './Toast.jsx';
import { VppPanel } from './VppPanel.jsx';

// The selected maglevd and the closed cards survive a reload (kept in the browser only).
const SCOPE_KEY = 'maglev-scope';
const COLLAPSED_KEY = 'maglev-collapsed';

function readScope(): string | null {
  try {
    return localStorage.getItem(SCOPE_KEY);
  } catch {
    return null;
  }
}

function readCollapsed(): Set<string> {
  try {
    const v = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? '[]') as unknown;
    return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

function Logo(): JSX.Element {
  return (
    <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#0b1220" />
      <circle
        cx="16"
        cy="16"
        r="10"
        fill="none"
        stroke="#38bdf8"
        stroke-width="2.5"
        stroke-dasharray="5.2 2.6"
      />
      <circle cx="16" cy="16" r="3.5" fill="#22c55e" />
    </svg>
  );
}

function Stat(props: {
  label: string;
  value: JSX.Element;
  tone?: 'ok' | 'warn' | 'bad' | 'muted';
  testid?: string;
}) {
  return (
    <div class={`stat tone-${props.tone ?? 'muted'}`} data-testid={props.testid}>
      <div class="stat-value">{props.value}</div>
      <div class="stat-label">{props.label}</div>
    </div>
  );
}

function Summary(props: { m: MaglevdSnapshot }): JSX.Element {
  const fes = () => props.m.frontends;
  const healths = createMemo(() => fes().map((f) => frontendHealth(f)));
  const up = () => fes().filter((f) => f.state === 'up').length;
  const fallback = () => healths().filter((h) => h === 'fallback').length;
  const down = () => healths().filter((h) => h === 'down').length;
  const bUp = () => props.m.backends.filter((b) => b.state === 'up').length;
  const bBad = () => props.m.backends.filter((b) => b.state === 'down').length;
  return (
    <div class="summary">
      <Stat
        label="frontends serving"
        value={`${up()} / ${fes().length}`}
        tone={fes().length === 0 ? 'muted' : up() === fes().length ? 'ok' : down() > 0 ? 'bad' : 'warn'}
        testid="stat-frontends"
      />
      <Stat label="on fallback pool" value={String(fallback())} tone={fallback() > 0 ? 'warn' : 'muted'} />
      <Stat label="nothing serving" value={String(down())} tone={down() > 0 ? 'bad' : 'muted'} />
      <Stat
        label="backends up"
        value={`${bUp()} / ${props.m.backends.length}`}
        tone={bBad() > 0 ? 'warn' : bUp() > 0 ? 'ok' : 'muted'}
      />
      <Stat
        label="VPP"
        value={props.m.vpp.state === '' ? '–' : props.m.vpp.state}
        tone={props.m.vpp.state === 'connected' ? 'ok' : props.m.vpp.state === '' ? 'muted' : 'bad'}
      />
      <Stat
        label="last event"
        value={lastEventAt() === null ? '–' : formatAge(now() - (lastEventAt() as number))}
        tone="muted"
      />
    </div>
  );
}

export function App(): JSX.Element {
  const [scope, setScopeSignal] = createSignal<string | null>(readScope());
  const [collapsed, setCollapsed] = createSignal(readCollapsed());
  const admin = () => version()?.admin === true && apiBase.startsWith('/admin');
  const current = createMemo(
    () => state.maglevds.find((m) => m.name === scope()) ?? state.maglevds[0] ?? null,
  );
  const setScope = (name: string) => {
    setScopeSignal(name);
    localStorage.setItem(SCOPE_KEY, name);
  };
  const toggle = (key: string) => {
    const next = new Set(collapsed());
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setCollapsed(next);
    localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...next]));
  };
  return (
    <div class="app">
      <header class="topbar">
        <div class="brand">
          <Logo />
          <span class="brand-name">vpp-maglev</span>
          <span class="brand-sub">dashboard</span>
        </div>
        <nav class="scopes" aria-label="maglevd">
          <For each={state.maglevds}>
            {(m) => (
              <button
                type="button"
                class={`scope ${current()?.name === m.name ? 'active' : ''}`}
                data-testid={`scope-${m.name}`}
                onClick={() => setScope(m.name)}
                title={m.status.error ?? m.address}
              >
                <Dot tone={maglevdTone(m.status)} />
                <span>{m.name}</span>
              </button>
            )}
          </For>
        </nav>
        <span class="spacer" />
        <span
          class={`stream stream-${stream()}`}
          data-testid="stream-state"
          title="live updates from maglevd-frontend"
        >
          <span class="stream-dot" />
          {stream() === 'live' ? 'live' : stream()}
        </span>
        <span class={`mode ${admin() ? 'mode-admin' : ''}`}>{admin() ? 'admin' : 'read-only'}</span>
        <span class="muted small mono">{version() ? `v${version()?.version}` : ''}</span>
      </header>
      <Show when={state.error}>
        <div class="banner">{state.error}</div>
      </Show>
      <Show
        when={current()}
        fallback={<div class="empty">{state.loaded ? 'no maglevd configured' : 'loading…'}</div>}
      >
        {(m) => (
          <>
            <Summary m={m()} />
            <main class={`grid ${admin() ? 'grid-admin' : ''}`}>
              <div class="cards">
                <Show when={!m().status.connected && m().status.since !== null}>
                  <div class="banner warn">
                    maglevd {m().name} is unreachable ({m().status.error}); showing what it last reported.
                  </div>
                </Show>
                <For
                  each={m().frontends}
                  fallback={
                    <div class="empty">
                      {m().status.connected ? 'no frontends configured' : 'waiting for maglevd…'}
                    </div>
                  }
                >
                  {(f) => (
                    <FrontendCard
                      maglevd={m().name}
                      frontend={f}
                      backends={m().backends}
                      lb={m().lb}
                      admin={admin()}
                      open={!collapsed().has(`${m().name}/${f.name}`)}
                      onToggle={() => toggle(`${m().name}/${f.name}`)}
                    />
                  )}
                </For>
              </div>
              <aside class="side">
                <VppPanel maglevd={m()} admin={admin()} />
                <Show when={admin()}>
                  <EventLog maglevd={m().name} />
                </Show>
              </aside>
            </main>
          </>
        )}
      </Show>
      <ConfirmDialog />
      <Toasts />
    </div>
  );
}
