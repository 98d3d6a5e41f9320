/**
 * The built vpp-lb-sim in its own process, for the benches: its CPU is not the product's, so it
 * never shares a process with what is measured.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { VppConnection } from '../../vpp-api/index.js';

const simBin = fileURLToPath(new URL('../../dist/bin/vpp-lb-sim.js', import.meta.url));

/**
 * Starts vpp-lb-sim on `socketPath` (logging errors only, to `stderr`) and resolves once it
 * accepts a VPP API connection; rejects when it does not within 20 s.
 */
export async function spawnSimulator(
  socketPath: string,
  stderr: 'ignore' | 'inherit' = 'ignore',
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [simBin, '--socket', socketPath, '--log-level', 'error'], {
    stdio: ['ignore', 'ignore', stderr],
  });
  const started = Date.now();
  for (;;) {
    const c = new VppConnection({ socketPath, connectTimeoutMs: 500 });
    try {
      await c.connect();
      await c.close();
      return child;
    } catch {
      if (child.exitCode !== null || Date.now() - started > 20_000) {
        child.kill('SIGKILL');
        throw new Error(`vpp-lb-sim did not start on ${socketPath}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
