import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StatsAddonMissingError, StatsSocketError } from './errors.js';

/** The package name whose root holds build/Release (npm builds the addon there on `npm ci`). */
const PACKAGE_NAME = 'vpp-maglev';
const ADDON_NAME = 'vpp_maglev_native.node';
const ADDON_FILE = join('build', 'Release', ADDON_NAME);

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

/** The directory of the vpp-maglev package that contains `from` (a file URL or path). */
export function findPackageRoot(from: string | URL = import.meta.url): string | null {
  let dir = dirname(typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (pkg.name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable package.json on the way up is not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
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
 * The addon file under `packageRoot`: a build for this runtime's ABI in
 * `build/node-v<process.versions.modules>/` when there is one, else node-gyp's `build/Release/`
 * (what `npm ci` builds for the node that ran it). The first is how one checkout runs on two
 * runtimes: `npm run test:runtime` builds the addon for the bundled Node.js there, so its tests
 * load that build and not the one made for the development machine's node.
 */
export function nativeAddonPath(packageRoot: string): string {
  const forRuntime = join(packageRoot, 'build', `node-v${process.versions.modules}`, ADDON_NAME);
  return existsSync(forRuntime) ? forRuntime : join(packageRoot, ADDON_FILE);
}

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
