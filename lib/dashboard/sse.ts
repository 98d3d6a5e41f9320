/**
 * Server-sent events framing (the WHATWG EventSource wire format). Pure.
 */

/**
 * One event: `id:`, `event:` and one `data:` line per line of the payload.
 *
 * @internal
 */
export function formatSseEvent(id: string, event: string, data: string): string {
  if (/[\r\n]/.test(id) || /[\r\n]/.test(event)) throw new Error('SSE id and event name must be one line');
  const lines = data.split(/\r\n|\r|\n/).map((l) => `data: ${l}\n`);
  return `id: ${id}\nevent: ${event}\n${lines.join('')}\n`;
}

/**
 * A comment line: ignored by EventSource, keeps proxies and idle timers from closing the stream.
 *
 * @internal
 */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/**
 * How long EventSource waits before reconnecting.
 *
 * @internal
 */
export function formatSseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}
