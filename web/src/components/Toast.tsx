import { createSignal, For, type JSX } from 'solid-js';

interface Toast {
  readonly id: number;
  readonly text: string;
}

const [toasts, setToasts] = createSignal<readonly Toast[]>([]);
let nextId = 1;

/** Shows an error for a few seconds (an admin action maglevd refused, for instance). */
export function notifyError(text: string): void {
  const id = nextId++;
  setToasts((t) => [...t, { id, text }]);
  setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
}

export function Toasts(): JSX.Element {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>{(t) => <div class="toast">{t.text}</div>}</For>
    </div>
  );
}
