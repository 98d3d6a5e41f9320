/**
 * Cross-site request forgery guard for the admin POST endpoints. A browser marks every request
 * it sends with `Sec-Fetch-Site` (modern browsers) and a POST with `Origin`; a request another
 * site makes the browser send is refused. Requests without either header do not come from a
 * browser page (curl, scripts) and cannot be forged cross-site, so they pass. Pure.
 */

/**
 * The request headers the same-origin check reads; undefined when absent.
 *
 * @internal
 */
export interface OriginHeaders {
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
}

/**
 * Whether a request may act, and why not.
 *
 * @internal
 */
export type OriginVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether an admin POST comes from the dashboard's own page (or from no browser page at all).
 *
 * @internal
 */
export function checkSameOrigin(h: OriginHeaders): OriginVerdict {
  if (h.secFetchSite !== undefined && h.secFetchSite !== 'same-origin')
    return { ok: false, reason: `Sec-Fetch-Site is ${JSON.stringify(h.secFetchSite)}` };
  if (h.origin !== undefined) {
    // Browsers send "null" for opaque origins (sandboxed frames, file:, data:).
    let originHost: string;
    try {
      originHost = new URL(h.origin).host;
    } catch {
      return { ok: false, reason: `Origin ${JSON.stringify(h.origin)} is not a URL` };
    }
    if (!h.host) return { ok: false, reason: 'Origin given without Host' };
    // Compare host and port only: a TLS-terminating proxy in front makes the scheme differ.
    if (originHost.toLowerCase() !== h.host.toLowerCase())
      return { ok: false, reason: `Origin ${JSON.stringify(h.origin)} is not ${h.host}` };
  }
  return { ok: true };
}
