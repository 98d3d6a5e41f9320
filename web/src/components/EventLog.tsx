import { createEffect, createMemo, createSignal, For, type JSX, on } from 'solid-js';
import { clearLog, type LogEntry, log } from '../store.js';

function time(at: number): string {
  const d = new Date(at);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

// Shown as transitions already, or too chatty for the log.
const HIDDEN = new Set(['backend-transition', 'probe-start', 'probe-done']);

/** The admin event log: oldest first, follows the tail unless paused. */
export function EventLog(props: { maglevd: string | null }): JSX.Element {
  const [paused, setPaused] = createSignal(false);
  const [debug, setDebug] = createSignal(false);
  const [frozen, setFrozen] = createSignal<readonly LogEntry[]>([]);
  let list: HTMLDivElement | undefined;
  const entries = createMemo(() =>
    (paused() ? frozen() : log()).filter(
      (e) =>
        (props.maglevd === null || e.maglevd === props.maglevd) &&
        (debug() || (e.level !== 'debug' && !HIDDEN.has(e.kind))),
    ),
  );
  createEffect(
    on(entries, () => {
      if (!paused() && list) list.scrollTop = list.scrollHeight;
    }),
  );
  return (
    <section class="panel eventlog" data-testid="event-log">
      <header class="panel-head">
        <span class="panel-title">Events</span>
        <span class="muted small">{entries().length}</span>
      </header>
      <div class="log-list" ref={list}>
        <For each={entries()} fallback={<div class="muted small log-empty">no events yet</div>}>
          {(e) => (
            <div class={`log-line lvl-${e.level}`}>
              <span class="log-time">{time(e.at)}</span>
              <span class="log-kind">{e.kind}</span>
              <span class="log-text">{e.text}</span>
            </div>
          )}
        </For>
      </div>
      <footer class="log-toolbar">
        <button
          type="button"
          class="btn btn-xs"
          onClick={() => {
            if (!paused()) setFrozen(log());
            setPaused(!paused());
          }}
        >
          {paused() ? 'resume' : 'pause'}
        </button>
        <button type="button" class="btn btn-xs" onClick={() => clearLog()}>
          clear
        </button>
        <label class="small muted">
          <input type="checkbox" checked={debug()} onChange={(e) => setDebug(e.currentTarget.checked)} />{' '}
          debug
        </label>
        <span class="spacer" />
        <span class="small muted">{paused() ? 'paused' : 'following'}</span>
      </footer>
    </section>
  );
}
