import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import {
  type BucketShare,
  bucketShares,
  formatAge,
  frontendHealth,
  HEALTH_TITLES,
} from '../../../lib/dashboard/derive.js';
import type { BackendView, FrontendView, LbStateView, PoolMemberView } from '../../../lib/dashboard/types.js';
import { isProbing, isSettling, now } from '../store.js';
import { StateBadge } from './Badges.jsx';
import { confirmAction } from './Confirm.jsx';
import { Flash } from './Flash.jsx';
import { HealthIcon, HeartIcon } from './Icons.jsx';
import { colorOf } from './palette.js';
import { notifyError } from './Toast.jsx';

interface CardProps {
  maglevd: string;
  frontend: FrontendView;
  backends: readonly BackendView[];
  lb: LbStateView | null;
  admin: boolean;
  open: boolean;
  onToggle: () => void;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0)}%`;
}

/** The VIP's new-flow table as one bar: each backend's slice, so a failover shows at a glance. */
function BucketBar(props: {
  shares: readonly BucketShare[];
  colors: ReadonlyMap<string, string>;
}): JSX.Element {
  const slices = () => props.shares.filter((s) => s.share > 0);
  return (
    <div class="bucketbar" role="img" aria-label="share of the VIP's lb buckets per backend">
      <Show when={slices().length > 0} fallback={<div class="bucketbar-empty">no buckets in VPP</div>}>
        <For each={slices()}>
          {(s) => (
            <div
              class="bucketbar-slice"
              style={{ width: `${s.share * 100}%`, background: props.colors.get(s.backend) ?? '#64748b' }}
              title={`${s.backend}: ${s.buckets} buckets (${pct(s.share)})`}
            >
              <Show when={s.share >= 0.12}>
                <span>
                  {s.backend} {pct(s.share)}
                </span>
              </Show>
            </div>
          )}
        </For>
      </Show>
    </div>
  );
}

function WeightCell(props: {
  maglevd: string;
  frontend: string;
  pool: string;
  member: PoolMemberView;
  admin: boolean;
}): JSX.Element {
  const [editing, setEditing] = createSignal(false);
  let input: HTMLInputElement | undefined;
  const submit = async () => {
    const weight = Number(input?.value);
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      notifyError('weight must be a whole number 0-100');
      return;
    }
    setEditing(false);
    try {
      await confirmAction({
        title: `set the weight of ${props.member.name} in ${props.frontend}/${props.pool} to ${weight} on ${props.maglevd}`,
        path: `maglevd/${encodeURIComponent(props.maglevd)}/frontends/${encodeURIComponent(props.frontend)}/pools/${encodeURIComponent(props.pool)}/backends/${encodeURIComponent(props.member.name)}/weight`,
        body: { weight },
      });
    } catch (e) {
      notifyError(`set weight of ${props.member.name}: ${(e as Error).message}`);
    }
  };
  return (
    <Show
      when={editing()}
      fallback={
        <Flash value={props.member.weight}>
          <Show when={props.admin} fallback={<span class="num">{props.member.weight}</span>}>
            <button
              type="button"
              class="linkish num"
              title="change the weight"
              data-action="weight"
              onClick={() => setEditing(true)}
            >
              {props.member.weight}
            </button>
          </Show>
          <Show when={props.member.weightOverridden}>
            <span class="override" title="set at runtime, not from the config">
              *
            </span>
          </Show>
        </Flash>
      }
    >
      <input
        ref={(el) => {
          input = el;
          queueMicrotask(() => {
            el.focus();
            el.select();
          });
        }}
        class="weight-input"
        type="number"
        min="0"
        max="100"
        value={props.member.weight}
        aria-label={`weight of ${props.member.name}`}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void submit();
          if (e.key === 'Escape') setEditing(false);
        }}
        onBlur={() => setEditing(false)}
      />
    </Show>
  );
}

function Actions(props: { maglevd: string; member: PoolMemberView }): JSX.Element {
  const act = async (action: string) => {
    try {
      await confirmAction({
        title: `${action} ${props.member.name} on ${props.maglevd}`,
        path: `maglevd/${encodeURIComponent(props.maglevd)}/backends/${encodeURIComponent(props.member.name)}/${action}`,
        // A resumed or enabled backend starts unknown (weight 0): show what happens once it is up.
        assumeUp: action === 'resume' || action === 'enable',
      });
    } catch (e) {
      notifyError(`${action} ${props.member.name}: ${(e as Error).message}`);
    }
  };
  const disabled = () => props.member.state === 'disabled';
  const paused = () => props.member.state === 'paused';
  return (
    <div class="actions">
      <button
        type="button"
        class="btn btn-xs"
        data-action={paused() ? 'resume' : 'pause'}
        disabled={disabled()}
        onClick={() => act(paused() ? 'resume' : 'pause')}
      >
        {paused() ? 'resume' : 'pause'}
      </button>
      <button
        type="button"
        class={`btn btn-xs ${disabled() ? '' : 'btn-danger'}`}
        data-action={disabled() ? 'enable' : 'disable'}
        onClick={() => act(disabled() ? 'enable' : 'disable')}
      >
        {disabled() ? 'enable' : 'disable'}
      </button>
    </div>
  );
}

export function FrontendCard(props: CardProps): JSX.Element {
  const shares = createMemo(() => bucketShares(props.frontend, props.lb));
  const colors = createMemo(() => {
    const m = new Map<string, string>();
    for (const p of props.frontend.pools)
      for (const b of p.backends) if (!m.has(b.name)) m.set(b.name, colorOf(m.size));
    return m;
  });
  const health = () => frontendHealth(props.frontend, isSettling(props.maglevd, props.frontend.name));
  const shareOf = (pool: string, backend: string) =>
    shares().find((s) => s.pool === pool && s.backend === backend);
  const since = (name: string) => props.backends.find((b) => b.name === name)?.stateSince ?? null;
  const vip = () => {
    const f = props.frontend;
    const addr = f.address.includes(':') ? `[${f.address}]` : f.address;
    return f.protocol === 'any' ? `${f.address} any` : `${addr}:${f.port}/${f.protocol}`;
  };
  const sync = async () => {
    try {
      await confirmAction({
        title: `sync the VIP of ${props.frontend.name} on ${props.maglevd}`,
        path: `maglevd/${encodeURIComponent(props.maglevd)}/sync`,
        body: { frontend: props.frontend.name },
      });
    } catch (e) {
      notifyError(`sync ${props.frontend.name}: ${(e as Error).message}`);
    }
  };
  return (
    <section
      class={`card health-${health()}`}
      data-testid={`frontend-${props.frontend.name}`}
      data-state={props.frontend.state}
      data-health={health()}
    >
      <header class="card-head">
        <button type="button" class="chevron" aria-expanded={props.open} onClick={() => props.onToggle()}>
          <span class={props.open ? 'chev open' : 'chev'}>▸</span>
          <span class="fe-name">{props.frontend.name}</span>
        </button>
        <Flash value={props.frontend.state}>
          <StateBadge state={props.frontend.state} large />
        </Flash>
        <span class="health-icon" title={HEALTH_TITLES[health()]} data-testid="health-icon">
          <HealthIcon health={health()} label={HEALTH_TITLES[health()]} />
        </span>
        <span class="vip mono">{vip()}</span>
        <span class="desc">{props.frontend.description}</span>
        <span class="spacer" />
        <Show when={props.frontend.srcIpSticky}>
          <span class="tag">src-ip-sticky</span>
        </Show>
        <Show when={props.frontend.flushOnDown}>
          <span class="tag">flush-on-down</span>
        </Show>
        <Show when={props.admin}>
          <button
            type="button"
            class="btn btn-xs"
            data-action="sync"
            onClick={sync}
            title="sync this VIP in VPP now"
          >
            sync
          </button>
        </Show>
      </header>
      <Show when={props.open}>
        <div class="card-body">
          <BucketBar shares={shares()} colors={colors()} />
          <For each={props.frontend.pools}>
            {(pool, i) => (
              <div class="pool">
                <div class="pool-head">
                  <span class="pool-name">{pool.name}</span>
                  <Show
                    when={i() === props.frontend.activePool && props.frontend.state === 'up'}
                    fallback={<span class="pool-role">standby</span>}
                  >
                    <span class="pool-role active">active</span>
                  </Show>
                </div>
                <table class="pool-table">
                  <colgroup>
                    <col class="w-backend" />
                    <col class="w-address" />
                    <col class="w-state" />
                    <col class="w-num" />
                    <col class="w-num" />
                    <col class="w-num" />
                    <col class="w-share" />
                    <col class="w-since" />
                    <col class="w-probe" />
                    <Show when={props.admin}>
                      <col class="w-actions" />
                    </Show>
                  </colgroup>
                  <thead>
                    <tr>
                      <th class="col-backend">backend</th>
                      <th>address</th>
                      <th>state</th>
                      <th class="r">weight</th>
                      <th class="r">effective</th>
                      <th class="r">lb buckets</th>
                      <th class="col-share">share</th>
                      <th class="r">since</th>
                      <th class="c">probe</th>
                      <Show when={props.admin}>
                        <th class="r">actions</th>
                      </Show>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={pool.backends}>
                      {(m) => {
                        const share = () => shareOf(pool.name, m.name);
                        return (
                          <tr
                            data-testid={`row-${props.frontend.name}-${pool.name}-${m.name}`}
                            data-state={m.state}
                            class={`row-${m.state}`}
                          >
                            <td class="col-backend">
                              <span class="swatch" style={{ background: colors().get(m.name) }} />
                              <span class="be-name">{m.name}</span>
                            </td>
                            <td class="mono muted">{m.address}</td>
                            <td class="cell-state">
                              <Flash value={m.state}>
                                <StateBadge state={m.state} />
                              </Flash>
                            </td>
                            <td class="r">
                              <WeightCell
                                maglevd={props.maglevd}
                                frontend={props.frontend.name}
                                pool={pool.name}
                                member={m}
                                admin={props.admin}
                              />
                            </td>
                            <td class="r cell-eff" data-testid="effective-weight">
                              <Flash
                                value={m.effectiveWeight}
                                class={m.effectiveWeight > 0 ? 'num strong' : 'num dim'}
                              >
                                {m.effectiveWeight}
                              </Flash>
                            </td>
                            <td class="r cell-buckets">
                              <Flash value={share()?.buckets ?? null} class="num">
                                {share()?.buckets ?? '–'}
                              </Flash>
                            </td>
                            <td class="col-share">
                              <div class="share">
                                <div class="minibar">
                                  <div
                                    class="minibar-fill"
                                    style={{
                                      width: `${(share()?.share ?? 0) * 100}%`,
                                      background: colors().get(m.name),
                                    }}
                                  />
                                </div>
                                <span class="num share-pct">{pct(share()?.share ?? 0)}</span>
                              </div>
                            </td>
                            <td class="r num muted" title="time in this state">
                              {since(m.name) === null ? '–' : formatAge(now() - (since(m.name) as number))}
                            </td>
                            <td
                              class="c probe"
                              title="health probe in flight"
                              data-probing={isProbing(props.maglevd, m.name) ? 'true' : 'false'}
                            >
                              <Show when={isProbing(props.maglevd, m.name)} fallback="·">
                                <HeartIcon label="health probe in flight" />
                              </Show>
                            </td>
                            <Show when={props.admin}>
                              <td class="r">
                                <Actions maglevd={props.maglevd} member={m} />
                              </td>
                            </Show>
                          </tr>
                        );
                      }}
                    </For>
                  </tbody>
                </table>
              </div>
            )}
          </For>
        </div>
      </Show>
    </section>
  );
}
