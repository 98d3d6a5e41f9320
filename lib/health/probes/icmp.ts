import { createRequire } from 'node:module';
import { isIPv4 } from 'node:net';
import type { ProbeResult } from '../types.js';
import { ABORTED_DETAIL, type ProbeTarget, result, sourceAddress, timeoutDetail } from './common.js';

// The shape of net-ping and raw-socket that this file uses; neither ships type definitions.
interface RawSocket {
  setOption(level: number, option: number, value: number): void;
}
interface PingRequest {
  readonly id: number;
  readonly target: string;
}
interface PingSession {
  timeout: number;
  readonly sessionId: number;
  pingHost(target: string, callback: (error: Error | null, target: string) => void): void;
  close(): void;
  on(event: 'error' | 'close', listener: (err?: Error) => void): void;
  getSocket(): RawSocket;
  toBuffer(req: PingRequest): Buffer;
}
interface NetPing {
  createSession(options: {
    networkProtocol: number;
    retries: number;
    timeout: number;
    sessionId: number;
    packetSize: number;
  }): PingSession;
  NetworkProtocol: { IPv4: number; IPv6: number };
  RequestTimedOutError: new () => Error;
}
interface RawSocketModule {
  SocketLevel: { IPPROTO_IP: number; IPPROTO_IPV6: number };
  SocketOption: { IP_HDRINCL: number; IPV6_HDRINCL?: number };
}

let modules: { ping: NetPing; raw: RawSocketModule } | Error | undefined;

/** Loads net-ping on first use, so that a broken native build only breaks ICMP probes. */
function loadModules(): { ping: NetPing; raw: RawSocketModule } | Error {
  if (modules === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const ping = require('net-ping') as NetPing;
      const raw = createRequire(require.resolve('net-ping'))('raw-socket') as RawSocketModule;
      modules = { ping, raw };
    } catch (err) {
      modules = err instanceof Error ? err : new Error(String(err));
    }
  }
  return modules;
}

function ipBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail] = address.split('::');
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16)));
  const h = words(head);
  const t = tail === undefined ? [] : words(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => {
    out.writeUInt16BE(w, i * 2);
  });
  return out;
}

function onesComplement(buffers: readonly Buffer[]): number {
  let sum = 0;
  for (const b of buffers) {
    for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
    if (b.length % 2 === 1) sum += (b[b.length - 1] as number) << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * Prefixes each echo request with our own IP header carrying the configured source address
 * (IP_HDRINCL / IPV6_HDRINCL): raw-socket cannot bind(), and this is the one portable way to
 * pick the source of a raw ICMP packet without it.
 */
function bindSource(session: PingSession, raw: RawSocketModule, family: 4 | 6, source: string): void {
  const socket = session.getSocket();
  const src = ipBytes(source);
  const original = session.toBuffer.bind(session);
  if (family === 4) {
    socket.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_HDRINCL, 1);
    session.toBuffer = (req) => {
      const icmp = original(req);
      const ip = Buffer.alloc(20);
      ip[0] = 0x45;
      ip.writeUInt16BE(20 + icmp.length, 2);
      ip[8] = 64;
      ip[9] = 1;
      src.copy(ip, 12);
      ipBytes(req.target).copy(ip, 16);
      // The kernel fills in the id and the header checksum.
      return Buffer.concat([ip, icmp]);
    };
  } else {
    // raw-socket only exports IPV6_HDRINCL when its build headers had it; 36 is Linux's value.
    socket.setOption(raw.SocketLevel.IPPROTO_IPV6, raw.SocketOption.IPV6_HDRINCL ?? 36, 1);
    session.toBuffer = (req) => {
      const icmp = original(req);
      const dst = ipBytes(req.target);
      const ip = Buffer.alloc(40);
      ip.writeUInt32BE(0x60000000, 0);
      ip.writeUInt16BE(icmp.length, 4);
      ip[6] = 58;
      ip[7] = 64;
      src.copy(ip, 8);
      dst.copy(ip, 24);
      // With the header included the kernel no longer computes the ICMPv6 checksum.
      icmp.writeUInt16BE(0, 2);
      const pseudo = Buffer.alloc(8);
      pseudo.writeUInt32BE(icmp.length, 0);
      pseudo[7] = 58;
      icmp.writeUInt16BE(onesComplement([src, dst, pseudo, icmp]), 2);
      return Buffer.concat([ip, icmp]);
    };
  }
}

/** The detail for a raw socket that could not be opened. */
export function icmpSocketDetail(err: Error): string {
  const msg = err.message.toLowerCase();
  return msg.includes('not permitted') || msg.includes('permission denied')
    ? `icmp socket: ${msg} (needs CAP_NET_RAW)`
    : `icmp socket: ${msg}`;
}

/**
 * ICMP echo probes over shared raw sockets: one net-ping session per address family and source
 * address, each with its own echo identifier so that sessions never take each other's replies.
 */
export class IcmpPinger {
  private readonly sessions = new Map<string, PingSession>();
  private nextSession = 0;
  private closed = false;

  probe(target: ProbeTarget, signal?: AbortSignal): Promise<ProbeResult> {
    const started = performance.now();
    const timeout = target.healthcheck.timeout;
    if (signal?.aborted || this.closed)
      return Promise.resolve(result(false, 'L4CON', ABORTED_DETAIL, started));
    let session: PingSession;
    try {
      session = this.session(target.family, sourceAddress(target) ?? null);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return Promise.resolve(result(false, 'SOCKERR', icmpSocketDetail(e), started));
    }
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: ProbeResult): void => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const onAbort = (): void => finish(result(false, 'L4CON', ABORTED_DETAIL, started));
      signal?.addEventListener('abort', onAbort, { once: true });
      // net-ping copies the session timeout into each request as it is made.
      session.timeout = timeout;
      session.pingHost(target.address, (error) => {
        if (error === null) finish(result(true, 'L4OK', 'echo reply', started));
        else if (error.name === 'RequestTimedOutError')
          finish(result(false, 'L4TOUT', timeoutDetail(timeout), started));
        else finish(result(false, 'L4CON', `icmp ${error.message.toLowerCase()}`, started));
      });
    });
  }

  private session(family: 4 | 6, source: string | null): PingSession {
    const key = `${family}|${source ?? ''}`;
    const existing = this.sessions.get(key);
    if (existing) return existing;
    const mods = loadModules();
    if (mods instanceof Error) throw mods;
    const sessionId = ((process.pid + this.nextSession++ * 7919) % 65534) + 1;
    const session = mods.ping.createSession({
      networkProtocol: family === 4 ? mods.ping.NetworkProtocol.IPv4 : mods.ping.NetworkProtocol.IPv6,
      retries: 0,
      timeout: 1000,
      sessionId,
      packetSize: 16,
    });
    if (source !== null) {
      try {
        bindSource(session, mods.raw, family, source);
      } catch (err) {
        session.close();
        throw err;
      }
    }
    const drop = (): void => {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
    };
    // A socket error closes the session (and fails its requests); the next probe opens a new one.
    session.on('error', drop);
    session.on('close', drop);
    this.sessions.set(key, session);
    return session;
  }

  close(): void {
    this.closed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of sessions) s.close();
  }
}
