import { type JSX, Match, Switch } from 'solid-js';
import type { FrontendHealth } from '../../../lib/dashboard/derive.js';

// Icons are inline SVG, never emoji: an emoji needs a colour emoji font, which servers, kiosks
// and minimal desktops often lack, and then shows as an empty box. SVG draws the same
// everywhere, offline, and takes its colours from the page's palette.

interface IconProps {
  /** Read by screen readers and shown as the tooltip. */
  readonly label: string;
}

function Svg(props: IconProps & { name: string; children: JSX.Element }): JSX.Element {
  return (
    <svg
      class={`icon icon-${props.name}`}
      data-icon={props.name}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      role="img"
      aria-label={props.label}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>{props.label}</title>
      {props.children}
    </svg>
  );
}

/** An exclamation mark centred on x: a bar and a dot, drawn in the given colour. */
function Bang(props: { x: number; color: string }): JSX.Element {
  return (
    <>
      <rect x={props.x - 1} y="3.5" width="2" height="6" rx="1" fill={props.color} />
      <circle cx={props.x} cy="12" r="1.1" fill={props.color} />
    </>
  );
}

/**
 * The health of a frontend card (see frontendHealth): shape and colour both carry it. A
 * Switch, not a plain switch statement: a component body runs once, and the icon must follow
 * the health as it changes.
 */
export function HealthIcon(props: IconProps & { health: FrontendHealth }): JSX.Element {
  return (
    <Switch>
      <Match when={props.health === 'ok'}>
        {/* A green disc with a tick. */}
        <Svg name="health-ok" label={props.label}>
          <circle cx="8" cy="8" r="7.5" fill="var(--ok)" />
          <path
            d="M4.5 8.3 7 10.8 11.6 5.6"
            fill="none"
            stroke="#fff"
            stroke-width="1.9"
            stroke-linecap="round"
            stroke-linejoin="round"
          />
        </Svg>
      </Match>
      <Match when={props.health === 'degraded'}>
        {/* An amber warning triangle. */}
        <Svg name="health-degraded" label={props.label}>
          <path d="M8 1.2 15.3 14.5H0.7Z" fill="var(--warn)" stroke="var(--warn)" stroke-linejoin="round" />
          <rect x="7" y="5.5" width="2" height="5" rx="1" fill="#1a1203" />
          <circle cx="8" cy="12.4" r="1" fill="#1a1203" />
        </Svg>
      </Match>
      <Match when={props.health === 'fallback'}>
        {/* An orange disc with one exclamation mark. */}
        <Svg name="health-fallback" label={props.label}>
          <circle cx="8" cy="8" r="7.5" fill="var(--fallback)" />
          <Bang x={8} color="#fff" />
        </Svg>
      </Match>
      <Match when={props.health === 'down'}>
        {/* A red octagon (a stop sign) with two exclamation marks. */}
        <Svg name="health-down" label={props.label}>
          <path d="M5 0.5h6L15.5 5v6L11 15.5H5L0.5 11V5Z" fill="var(--bad)" />
          <Bang x={5.8} color="#fff" />
          <Bang x={10.2} color="#fff" />
        </Svg>
      </Match>
      <Match when={props.health === 'unknown'}>
        {/* A grey disc with a question mark. */}
        <Svg name="health-unknown" label={props.label}>
          <circle cx="8" cy="8" r="7.5" fill="var(--muted)" />
          <path
            d="M5.9 6.1a2.1 2.1 0 1 1 3.1 1.9c-.6.3-1 .8-1 1.5v.4"
            fill="none"
            stroke="#fff"
            stroke-width="1.8"
            stroke-linecap="round"
          />
          <circle cx="8" cy="12.3" r="1.05" fill="#fff" />
        </Svg>
      </Match>
    </Switch>
  );
}

/** The probe heartbeat: a red heart while a health probe is in flight. */
export function HeartIcon(props: IconProps): JSX.Element {
  return (
    <Svg name="heart" label={props.label}>
      <path
        d="M8 14.5 1.9 8.6C.2 6.9.4 4.1 2.3 2.8 4.1 1.6 6.6 2.1 8 4c1.4-1.9 3.9-2.4 5.7-1.2 1.9 1.3 2.1 4.1.4 5.8Z"
        fill="var(--bad)"
      />
    </Svg>
  );
}
