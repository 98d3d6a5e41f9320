import { createEffect, type JSX, on, Show } from 'solid-js';
import { formatAge } from '../../../lib/dashboard/derive.js';
import type { MaglevdSnapshot } from '../../../lib/dashboard/types.js';
import { now, pulses } from '../store.js';
import { Dot, maglevdTone } from './Badges.jsx';
import { confirmAction } from './Confirm.jsx';
import { Flash } from './Flash.jsx';
import { notifyError } from './Toast.jsx';

/** An arrow that lights up for 250 ms each time its counter moves (re-triggerable). */
function Pulse(props: { count: number; glyph: string; title: string }): JSX.Element {
  let el: HTMLSpanElement | undefined;
  createEffect(
    on(
      () => props.count,
      () => {
        if (!el) return;
        el.classList.remove('pulse');
        void el.offsetWidth;
        el.classList.add('pulse');
      },
      { defer: true },
    ),
  );
  return (
    <span ref={el} class="api-arrow" title={props.title}>
      {props.glyph}
    </span>
  );
}

function Row(props: { label: string; children: JSX.Element }): JSX.Element {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

export function VppPanel(props: { maglevd: MaglevdSnapshot; admin: boolean }): JSX.Element {
  const m = () => props.maglevd;
  const info = () => m().vpp.info;
  const asCount = () => m().lb?.vips.reduce((n, v) => n + v.ases.length, 0) ?? 0;
  const act = async (what: 'sync' | 'reload') => {
    try {
      const r = (await confirmAction({
        title:
          what === 'reload' ? `reload the configuration of ${m().name}` : `sync all of VPP on ${m().name}`,
        path: `maglevd/${encodeURIComponent(m().name)}/${what}`,
        // Backends a reload adds start unknown: show what happens once they are up.
        assumeUp: what === 'reload',
      })) as {
        ok?: boolean;
        parseError?: string;
        semanticError?: string;
      } | null;
      if (what === 'reload' && r?.ok === false)
        notifyError(`reload refused: ${r.parseError || r.semanticError}`);
    } catch (e) {
      notifyError(`${what}: ${(e as Error).message}`);
    }
  };
  return (
    <section class="panel" data-testid="vpp-panel">
      <header class="panel-head">
        <span class="panel-title">VPP</span>
        <span
          class={`badge ${m().vpp.state === 'connected' ? 'state-up' : m().vpp.state === '' ? 'state-unknown' : 'state-down'}`}
          data-testid="vpp-state"
        >
          {m().vpp.state === '' ? 'unknown' : m().vpp.state}
        </span>
        <span class="spacer" />
        <span class="api" title="VPP binary API messages (debug log of maglevd)">
          API
          <Pulse count={pulses[m().name]?.send ?? 0} glyph="↑" title="message sent to VPP" />
          <Pulse count={pulses[m().name]?.recv ?? 0} glyph="↓" title="message received from VPP" />
        </span>
      </header>
      <dl class="kv">
        <Show
          when={info()}
          fallback={
            <Row label="status">
              {m().vpp.error ?? (m().status.connected ? 'not read yet' : 'maglevd unreachable')}
            </Row>
          }
        >
          {(i) => (
            <>
              <Row label="version">
                <Flash value={i().version}>
                  <span class="mono">{i().version}</span>
                </Flash>
              </Row>
              <Row label="build date">
                <span class="mono">{i().buildDate}</span>
              </Row>
              <Row label="pid">
                <Flash value={i().pid}>
                  <span class="mono">{i().pid}</span>
                </Flash>
              </Row>
              <Row label="uptime">
                {i().bootTime === null ? '–' : formatAge(now() - (i().bootTime as number))}
              </Row>
              <Row label="connected">
                {i().connectTime === null ? '–' : `${formatAge(now() - (i().connectTime as number))} ago`}
              </Row>
            </>
          )}
        </Show>
        <Row label="lb">
          <span class="mono">
            {m().lb ? `${m().lb?.vips.length} VIPs, ${asCount()} application servers` : 'not read'}
          </span>
        </Row>
      </dl>
      <header class="panel-head sub">
        <span class="panel-title">maglevd</span>
        <Dot tone={maglevdTone(m().status)} />
        <span class="muted small">
          {m().status.since === null
            ? 'connecting'
            : !m().status.connected
              ? 'unreachable'
              : m().status.streaming
                ? 'connected, streaming'
                : 'connected, no event stream'}
        </span>
      </header>
      <dl class="kv">
        <Row label="address">
          <span class="mono">{m().address}</span>
        </Row>
        <Row label={m().status.connected ? 'up for' : 'down for'}>
          {m().status.since === null ? '–' : formatAge(now() - (m().status.since as number))}
        </Row>
        <Show when={m().status.error}>
          <Row label="error">
            <span class="err">{m().status.error}</span>
          </Row>
        </Show>
        <Row label="config">
          {m().frontends.length} frontends, {m().backends.length} backends, {m().healthchecks.length} health
          checks
        </Row>
      </dl>
      <Show when={props.admin}>
        <div class="panel-actions">
          <button type="button" class="btn" data-action="sync-all" onClick={() => act('sync')}>
            sync VPP
          </button>
          <button type="button" class="btn" data-action="reload" onClick={() => act('reload')}>
            reload config
          </button>
        </div>
      </Show>
    </section>
  );
}
