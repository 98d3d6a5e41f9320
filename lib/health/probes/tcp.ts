import { connect } from 'node:net';
import type { ProbeResult } from '../types.js';
import {
  ABORTED_DETAIL,
  errorName,
  type ProbeTarget,
  result,
  sourceAddress,
  timeoutDetail,
} from './common.js';

/**
 * TCP probe: a completed handshake passes. The socket is then reset rather than closed, as
 * HAProxy does for its checks, so that thousands of probes a second leave no TIME_WAIT behind.
 *
 * @public
 */
export function probeTcp(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> {
  const started = performance.now();
  const { healthcheck: hc } = target;
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(result(false, 'L4CON', ABORTED_DETAIL, started));
      return;
    }
    const socket = connect({
      host: target.address,
      port: hc.port ?? 0,
      family: target.family,
      localAddress: sourceAddress(target),
    });
    let done = false;
    const finish = (r: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (r.ok) socket.resetAndDestroy();
      else socket.destroy();
      resolve(r);
    };
    const onAbort = (): void => finish(result(false, 'L4CON', ABORTED_DETAIL, started));
    const timer = setTimeout(
      () => finish(result(false, 'L4TOUT', timeoutDetail(hc.timeout), started)),
      hc.timeout,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish(result(true, 'L4OK', 'connected', started)));
    socket.on('error', (err) => finish(result(false, 'L4CON', `connect ${errorName(err)}`, started)));
  });
}
