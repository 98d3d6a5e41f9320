import { createSignal, For, type JSX, onCleanup, onMount, Show } from 'solid-js';
import type { PreviewResponse, PreviewVipView } from '../../../lib/dashboard/types.js';
import { postAction } from '../store.js';

/**
 * Every admin action goes through here: its preview is asked for first (the same POST with
 * `dryRun: true`, which changes nothing), shown per VIP with the share of new flows that would
 * move, and the action is sent only when the operator confirms.
 */

interface Request {
  /** What is about to happen, e.g. "pause nginx0 on lb1". */
  readonly title: string;
  /** The action's API path below /admin/api/. */
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** Preview backends that start unknown as up: what happens once their checks pass. */
  readonly assumeUp: boolean;
  readonly resolve: (answer: unknown) => void;
  readonly reject: (e: Error) => void;
}

type Phase =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly answer: PreviewResponse }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'sending' };

const [request, setRequest] = createSignal<Request | null>(null);
const [phase, setPhase] = createSignal<Phase>({ kind: 'loading' });

/**
 * Shows the preview of an action and asks for confirmation. Resolves with the action's answer
 * once confirmed and done, with null when cancelled; rejects when the action itself fails.
 */
export function confirmAction(opts: {
  title: string;
  path: string;
  body?: Record<string, unknown>;
  assumeUp?: boolean;
}): Promise<unknown> {
  request()?.resolve(null);
  return new Promise((resolve, reject) => {
    const req: Request = {
      title: opts.title,
      path: opts.path,
      body: opts.body ?? {},
      assumeUp: opts.assumeUp === true,
      resolve,
      reject,
    };
    setRequest(req);
    setPhase({ kind: 'loading' });
    postAction(req.path, { ...req.body, dryRun: true, ...(req.assumeUp && { assumeUp: true }) }).then(
      (answer) => {
        if (request() === req) setPhase({ kind: 'ready', answer: answer as PreviewResponse });
      },
      (e: Error) => {
        if (request() === req) setPhase({ kind: 'failed', error: e.message });
      },
    );
  });
}

function close(answer: unknown): void {
  const req = request();
  setRequest(null);
  req?.resolve(answer);
}

async function confirm(): Promise<void> {
  const req = request();
  if (!req || phase().kind === 'sending') return;
  setPhase({ kind: 'sending' });
  try {
    const answer = await postAction(req.path, req.body);
    setRequest(null);
    req.resolve(answer);
  } catch (e) {
    setRequest(null);
    req.reject(e as Error);
  }
}

function share(moved: number, length: number): string {
  if (length === 0) return '0%';
  const p = (100 * moved) / length;
  return `${p > 0 && p < 0.1 ? '<0.1' : p < 100 && p > 99.9 ? '>99.9' : p.toFixed(1)}%`;
}

function fromTo(a: number, b: number): string {
  return a === b ? String(b) : `${a} → ${b}`;
}

function VipPreview(props: { vip: PreviewVipView }): JSX.Element {
  const v = () => props.vip;
  const key = () => `${v().prefix} ${v().protocol}${v().port === 0 ? '' : `/${v().port}`}`;
  const rows = () =>
    v().servers.filter(
      (s) =>
        s.change !== 'unchanged' ||
        s.flush ||
        s.bucketsBefore !== s.bucketsAfter ||
        s.weightBefore !== s.weightAfter,
    );
  return (
    <div
      class="pv-vip"
      data-testid={`preview-vip-${v().frontend || v().prefix}`}
      data-moved={v().movedBuckets}
    >
      <div class="pv-head">
        <span class="fe-name">{v().frontend || '(not in the config)'}</span>
        <span class="mono muted">{key()}</span>
        <span class={`tag pv-${v().change}`}>{v().recreated ? `${v().change}, re-created` : v().change}</span>
        <span class="spacer" />
        <span class="pv-moved" title={`${v().movedBuckets} of ${v().flowTableLength} buckets change server`}>
          <strong data-testid="moved-share">{share(v().movedBuckets, v().flowTableLength)}</strong> of new
          flows move
        </span>
      </div>
      <div class="minibar pv-bar">
        <div
          class="minibar-fill"
          style={{ width: `${v().flowTableLength ? (100 * v().movedBuckets) / v().flowTableLength : 0}%` }}
        />
      </div>
      <Show when={rows().length > 0}>
        <table class="pv-table">
          <thead>
            <tr>
              <th class="l">backend</th>
              <th class="l">address</th>
              <th class="r">weight</th>
              <th class="r">buckets</th>
              <th class="l" />
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(s) => (
                <tr data-testid={`preview-server-${s.backend || s.address}`} class={`pv-row-${s.change}`}>
                  <td class="pv-name">{s.backend || '–'}</td>
                  <td class="mono muted">{s.address}</td>
                  <td class="r num">{fromTo(s.weightBefore, s.weightAfter)}</td>
                  <td class="r num" data-testid="buckets">
                    {fromTo(s.bucketsBefore, s.bucketsAfter)}
                  </td>
                  <td class="muted">
                    {[s.change === 'unchanged' ? '' : s.change, s.flush ? 'flush' : '']
                      .filter(Boolean)
                      .join(', ')}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </div>
  );
}

function Body(props: { answer: PreviewResponse }): JSX.Element {
  const p = () => props.answer.preview;
  const changed = () => p()?.vips.filter((v) => v.change !== 'unchanged') ?? [];
  const unchanged = () => (p()?.vips.length ?? 0) - changed().length;
  return (
    <Show
      when={props.answer.ok && p()}
      fallback={
        <div class="pv-refused" data-testid="preview-refused">
          maglevd would refuse this configuration:
          <pre>{props.answer.parseError || props.answer.semanticError}</pre>
        </div>
      }
    >
      <Show
        when={changed().length > 0 || p()?.lbConfChanged}
        fallback={
          <p class="pv-none" data-testid="preview-nothing">
            Nothing changes in VPP.
          </p>
        }
      >
        <For each={changed()}>{(v) => <VipPreview vip={v} />}</For>
      </Show>
      <Show when={p()?.lbConfChanged}>
        <p class="pv-note">The global lb conf changes (a new sticky-buckets count re-hashes every flow).</p>
      </Show>
      <p class="pv-note muted">
        {unchanged() > 0 ? `${unchanged()} VIP${unchanged() === 1 ? '' : 's'} unchanged. ` : ''}
        {p()?.before === 'vpp'
          ? 'Compared with what VPP holds now.'
          : "VPP is not connected: compared with maglevd's plan."}{' '}
        Established flows stay on their server unless flushed.
      </p>
      <For each={p()?.assumptions ?? []}>
        {(a) => (
          <p class="pv-note muted" data-testid="preview-assumption">
            {a.state === 'up'
              ? `Assumes ${a.backend} (${a.reason}) passes its health check; until then it gets weight 0.`
              : `${a.backend} (${a.reason}) starts ${a.state}: weight 0 until its health check passes.`}
          </p>
        )}
      </For>
    </Show>
  );
}

/** The dialog; rendered once by the app. */
export function ConfirmDialog(): JSX.Element {
  const onKey = (e: KeyboardEvent) => {
    if (request() && e.key === 'Escape') close(null);
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));
  const refused = () => {
    const p = phase();
    return p.kind === 'ready' && !p.answer.ok;
  };
  return (
    <Show when={request()}>
      {(req) => (
        <div class="modal-backdrop">
          <div
            class="modal"
            role="dialog"
            aria-modal="true"
            aria-labelledby="confirm-title"
            data-testid="confirm-dialog"
          >
            <h2 id="confirm-title" class="modal-title">
              {req().title}
            </h2>
            <div class="modal-body" data-phase={phase().kind}>
              <Show when={phase().kind === 'loading'}>
                <p class="muted">Computing what this would change…</p>
              </Show>
              <Show when={phase().kind === 'failed'}>
                <p class="pv-refused" data-testid="preview-failed">
                  No preview: {(phase() as { error: string }).error}
                </p>
              </Show>
              <Show when={phase().kind === 'ready'}>
                <Body answer={(phase() as { answer: PreviewResponse }).answer} />
              </Show>
              <Show when={phase().kind === 'sending'}>
                <p class="muted">Sending…</p>
              </Show>
            </div>
            <div class="modal-foot">
              <button type="button" class="btn" data-action="cancel" onClick={() => close(null)}>
                cancel
              </button>
              <Show when={!refused()}>
                <button
                  type="button"
                  class="btn btn-primary"
                  data-action="confirm"
                  disabled={phase().kind === 'loading' || phase().kind === 'sending'}
                  onClick={() => void confirm()}
                >
                  {phase().kind === 'failed' ? 'apply anyway' : 'apply'}
                </button>
              </Show>
            </div>
          </div>
        </div>
      )}
    </Show>
  );
}
