import type { JSX } from 'solid-js';
import type { BackendStateName, FrontendStateName, MaglevdStatus } from '../../../lib/dashboard/types.js';

export function StateBadge(props: {
  state: BackendStateName | FrontendStateName;
  large?: boolean;
}): JSX.Element {
  return (
    <span class={`badge state-${props.state}${props.large ? ' badge-lg' : ''}`} data-state={props.state}>
      {props.state}
    </span>
  );
}

export type DotTone = 'ok' | 'warn' | 'bad' | 'unknown';

/** The connection dot of a maglevd: green streaming, amber reachable but not streaming, red unreachable. */
export function maglevdTone(status: MaglevdStatus): DotTone {
  if (status.since === null) return 'unknown';
  if (!status.connected) return 'bad';
  return status.streaming ? 'ok' : 'warn';
}

export function Dot(props: { tone: DotTone; title?: string }): JSX.Element {
  return (
    <span
      class={`dot dot-${props.tone}`}
      title={props.title}
      role="img"
      aria-label={props.title ?? props.tone}
    />
  );
}
