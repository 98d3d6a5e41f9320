import { lstat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { SimSocketInUseError } from './errors.js';

/**
 * Makes `path` free to bind. A socket file nobody listens on (what a process killed with -9
 * leaves behind) is removed; a socket a live process listens on, or a file that is not a socket,
 * is an error naming the path, so two simulators never steal each other's socket.
 */
export async function claimSocketPath(path: string, role: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SimSocketInUseError(path, role, `cannot inspect: ${(err as Error).message}`);
  }
  if (!isSocket) throw new SimSocketInUseError(path, role, 'exists and is not a socket; not removing it');
  const code = await probe(path);
  if (code === 'ENOENT') return; // Removed between lstat and connect.
  if (code === 'ECONNREFUSED') {
    try {
      await unlink(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new SimSocketInUseError(
          path,
          role,
          `cannot remove the stale socket: ${(err as Error).message}`,
        );
    }
    return;
  }
  // A stream connect to a SOCK_SEQPACKET listener (a live stats socket) fails with EPROTOTYPE:
  // someone listens there all the same.
  if (code === 'connected' || code === 'EPROTOTYPE')
    throw new SimSocketInUseError(path, role, 'another process listens on it (a running VPP or simulator?)');
  throw new SimSocketInUseError(path, role, `cannot tell whether it is in use: connect failed with ${code}`);
}

/** Connects once to a unix socket: 'connected', or the errno code of the failure. */
function probe(path: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      s.destroy();
      resolve(err.code ?? 'EUNKNOWN');
    });
  });
}
