import { lstatSync, unlinkSync } from 'node:fs';
import { loadNativeAddon, type NativeFdServer, toSocketError } from '../../vpp/stats/native.js';

export interface StatsSegmentServerOptions {
  /** Where the native addon is looked for; default: this package's root. */
  packageRoot?: string;
}

/**
 * VPP's stats socket: a SOCK_SEQPACKET unix socket that sends every client that connects the
 * segment's fd (an empty message carrying it as SCM_RIGHTS) and hangs up. Runs on Node's event
 * loop through the native addon; never blocks it.
 */
export class StatsSegmentServer {
  readonly #native: NativeFdServer;
  #closed = false;

  /**
   * Starts serving `fd` (e.g. `StatsSegmentWriter.fd`) on `socketPath`. The server keeps its
   * own copy of the fd. Throws StatsSocketError (code EADDRINUSE when the path exists).
   */
  static listen(socketPath: string, fd: number, options: StatsSegmentServerOptions = {}): StatsSegmentServer {
    const addon =
      options.packageRoot === undefined ? loadNativeAddon() : loadNativeAddon(options.packageRoot);
    try {
      return new StatsSegmentServer(socketPath, addon.serveFd(socketPath, fd));
    } catch (err) {
      throw toSocketError(socketPath, err);
    }
  }

  private constructor(
    readonly socketPath: string,
    native: NativeFdServer,
  ) {
    this.#native = native;
  }

  /** How many clients have been sent the fd. */
  get served(): number {
    return this.#native.served();
  }

  /** Stops listening and removes the socket file. Resolves once the listening socket is closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.close();
    try {
      if (lstatSync(this.socketPath).isSocket()) unlinkSync(this.socketPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
