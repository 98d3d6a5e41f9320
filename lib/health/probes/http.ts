import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { HttpParams, StatusRange } from '../../config/types.js';
import { buildInfo } from '../../version.js';
import type { ProbeCode, ProbeResult } from '../types.js';
import {
  ABORTED_DETAIL,
  errorName,
  type ProbeTarget,
  result,
  sourceAddress,
  timeoutDetail,
} from './common.js';

/**
 * At most this much of the body is read for the response regex; the rest is never waited for.
 *
 * @public
 */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The HTTP parameters of a check that sets none: GET / expecting 200-399, as the Go original.
 *
 * @public
 */
export const DEFAULT_HTTP_PARAMS: HttpParams = Object.freeze({
  path: '/',
  host: null,
  method: 'GET',
  responseCodes: Object.freeze([Object.freeze({ from: 200, to: 399 })]),
  responseRegex: null,
  serverName: null,
  insecureSkipVerify: false,
});

/**
 * The User-Agent header of HTTP probes: vpp-maglev/VERSION.
 *
 * @public
 */
export const USER_AGENT = `vpp-maglev/${buildInfo.version}`;

type Phase = 'connect' | 'tls' | 'http';

/**
 * One TLS context for every HTTPS probe: Node otherwise builds a fresh one (cipher lists, the
 * root store) for each connection, which costs more than the handshake. Every probe uses the
 * same settings (Node's defaults, its CA store with NODE_EXTRA_CA_CERTS); what differs per
 * probe (SNI, verification) is set per connection.
 */
let sharedContext: SecureContext | undefined;

const regexCache = new Map<string, RegExp | Error>();

/** The response regex, compiled once per distinct source; an Error when it does not compile. */
export function compiledRegex(source: string): RegExp | Error {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch (err) {
      re = err instanceof Error ? err : new Error(String(err));
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

export function statusAccepted(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((r) => status >= r.from && status <= r.to);
}

/** The host part of a Host header value ("example.com:8080" → "example.com", "[::1]" → "::1"). */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.indexOf(':');
  return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.slice(0, colon) : host;
}

/**
 * HTTP and HTTPS probe: one request on a fresh connection (no keep-alive). Passes when the
 * status is in `response-codes` and, when `response-regex` is set, the first 64 KiB of the
 * body match it. The timeout covers connect, TLS, headers and the body read. HTTPS verifies the
 * certificate against `server-name` (default: the Host header, else the address) unless
 * `insecure-skip-verify` is set.
 *
 * @public
 */
export function probeHttp(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> {
  const started = performance.now();
  const hc = target.healthcheck;
  const params = hc.http ?? DEFAULT_HTTP_PARAMS;
  const tls = hc.type === 'https';
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(result(false, 'L4CON', ABORTED_DETAIL, started));
      return;
    }
    let phase: Phase = 'connect';
    let done = false;
    let req: ClientRequest | null = null;
    let res: IncomingMessage | null = null;
    const finish = (ok: boolean, code: ProbeCode, detail: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      res?.destroy();
      req?.destroy();
      resolve(result(ok, code, detail, started));
    };
    const onAbort = (): void => finish(false, phase === 'connect' ? 'L4CON' : 'L7RSP', ABORTED_DETAIL);
    const timer = setTimeout(() => {
      const code = phase === 'connect' ? 'L4TOUT' : phase === 'tls' ? 'L6TOUT' : 'L7TOUT';
      finish(false, code, timeoutDetail(hc.timeout));
    }, hc.timeout);
    signal?.addEventListener('abort', onAbort, { once: true });

    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*' };
    if (params.host !== null) headers['host'] = params.host;
    const options: RequestOptions & {
      servername?: string;
      rejectUnauthorized?: boolean;
      secureContext?: SecureContext;
    } = {
      host: target.address,
      family: target.family,
      port: hc.port ?? (tls ? 443 : 80),
      path: params.path,
      method: params.method,
      headers,
      agent: false,
      localAddress: sourceAddress(target),
    };
    if (tls) {
      const name = params.serverName ?? (params.host !== null ? hostName(params.host) : null);
      // SNI cannot carry an IP address; '' makes Node check the certificate against the address.
      options.servername = name !== null && isIP(name) === 0 ? name : '';
      options.rejectUnauthorized = !params.insecureSkipVerify;
      sharedContext ??= createSecureContext();
      options.secureContext = sharedContext;
    }
    try {
      req = (tls ? httpsRequest : httpRequest)(options);
    } catch (err) {
      finish(false, 'L7RSP', `request ${errorName(err)}`);
      return;
    }
    req.on('socket', (socket) => {
      socket.once('connect', () => {
        phase = tls ? 'tls' : 'http';
      });
      socket.once('secureConnect', () => {
        phase = 'http';
      });
    });
    req.on('error', (err) => {
      if (phase === 'connect') finish(false, 'L4CON', `connect ${errorName(err)}`);
      else if (phase === 'tls') finish(false, 'L6RSP', `tls ${errorName(err)}`);
      else finish(false, 'L7RSP', `response ${errorName(err)}`);
    });
    req.on('response', (response) => {
      res = response;
      const status = response.statusCode ?? 0;
      if (!statusAccepted(status, params.responseCodes)) {
        finish(false, 'L7STS', `status ${status}`);
        return;
      }
      if (params.responseRegex === null) {
        finish(true, 'L7OK', `status ${status}`);
        return;
      }
      const re = compiledRegex(params.responseRegex);
      if (re instanceof Error) {
        finish(false, 'L7RSP', `invalid response-regex: ${re.message}`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const check = (): void => {
        const body = Buffer.concat(chunks, Math.min(size, MAX_BODY_BYTES)).toString('utf8');
        if (re.test(body)) finish(true, 'L7OK', `status ${status}`);
        else finish(false, 'L7RSP', `body does not match /${params.responseRegex}/`);
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) check();
      });
      response.on('end', check);
      response.on('error', (err) => finish(false, 'L7RSP', `body ${errorName(err)}`));
    });
    req.end();
  });
}
