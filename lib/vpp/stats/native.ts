import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ADDON_FILE, findPackageRoot, nativeAddonPath, PACKAGE_NAME } from '../../util/native-addon.js';
import { StatsAddonMissingError, StatsSocketError } from './errors.js';

export { findPackageRoot, nativeAddonPath } from '../../util/native-addon.js';

/** A listening SOCK_SEQPACKET socket that hands the same fd to every client that connects. */
export interface NativeFdServer {
  /** Stops listening and closes the server's copy of the fd. Idempotent. */
  close(): void;
  /** How many clients have been sent the fd. */
  served(): number;
}

/** What the C addon (native/vpp_maglev_native.c) exports. */
export interface NativeAddon {
  /** Connects to a SOCK_SEQPACKET unix socket and receives one fd passed with SCM_RIGHTS. */
  recvFd(path: string, timeoutMs: number): Promise<number>;
  /** Listens on a SOCK_SEQPACKET unix socket, polled on Node's loop; sends `fd` to each client. */
  serveFd(path: string, fd: number): NativeFdServer;
  /** memfd_create(2) with close-on-exec. */
  memfdCreate(name: string): number;
}

function isAddon(value: unknown): value is NativeAddon {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m['recvFd'] === 'function' &&
    typeof m['serveFd'] === 'function' &&
    typeof m['memfdCreate'] === 'function'
  );
}

const loaded = new Map<string, NativeAddon>();

/**
 * Loads the addon from `<package root>/build` (see nativeAddonPath). Throws
 * StatsAddonMissingError when it is not built, does not load (built for another Node ABI), or
 * lacks a function (stale build).
 */
export function loadNativeAddon(packageRoot: string | null = findPackageRoot()): NativeAddon {
  const path =
    packageRoot === null ? `<${PACKAGE_NAME} package root>/${ADDON_FILE}` : nativeAddonPath(packageRoot);
  const cached = loaded.get(path);
  if (cached) return cached;
  if (packageRoot === null || !existsSync(path)) throw new StatsAddonMissingError(path);
  let mod: unknown;
  try {
    mod = createRequire(import.meta.url)(path);
  } catch (cause) {
    throw new StatsAddonMissingError(path, { cause });
  }
  if (!isAddon(mod)) throw new StatsAddonMissingError(path);
  loaded.set(path, mod);
  return mod;
}

interface SystemErrorLike {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
}

/** Turns an error thrown by the addon (shaped like Node's system errors) into a StatsSocketError. */
export function toSocketError(socketPath: string, err: unknown): StatsSocketError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SystemErrorLike;
  const code = typeof e.code === 'string' ? e.code : 'EUNKNOWN';
  const syscall = typeof e.syscall === 'string' ? e.syscall : 'socket';
  let detail = HINTS[code] ?? (typeof e.message === 'string' ? e.message : String(err));
  if (code === 'EPROTO') detail = 'the peer sent no file descriptor: not a VPP stats socket?';
  return new StatsSocketError(socketPath, code, syscall, detail, { cause: err });
}

const HINTS: Record<string, string> = {
  ENOENT: 'no such socket: is VPP running, with this statseg socket-name?',
  EACCES: 'permission denied: run as root or as a member of group vpp',
  ECONNREFUSED: 'nothing listens on this socket: a stale socket of a stopped VPP?',
  ETIMEDOUT: 'VPP did not send the segment in time',
  EPROTOTYPE: 'not a SOCK_SEQPACKET socket: the API socket given for the stats socket?',
  ENAMETOOLONG: 'the path is longer than a unix socket path may be (107 bytes)',
};
