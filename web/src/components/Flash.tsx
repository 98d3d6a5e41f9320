import { createEffect, type JSX, untrack } from 'solid-js';

/**
 * Wraps a value that may change: when it does (never on first render), the wrapper pops and
 * glows briefly, so an operator sees what just moved. Unchanged values never flash, even when
 * the data they come from was re-read.
 */
export function Flash(props: { value: unknown; class?: string; children: JSX.Element }): JSX.Element {
  let el: HTMLSpanElement | undefined;
  let previous = untrack(() => props.value);
  createEffect(() => {
    const value = props.value;
    if (value === previous) return;
    previous = value;
    if (!el) return;
    el.classList.remove('flash');
    // Restart the animation even when it is still running.
    void el.offsetWidth;
    el.classList.add('flash');
  });
  return (
    <span
      ref={el}
      class={`flashable ${props.class ?? ''}`}
      onAnimationEnd={() => el?.classList.remove('flash')}
    >
      {props.children}
    </span>
  );
}
