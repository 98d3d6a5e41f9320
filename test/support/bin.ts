import { type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a built binary in dist/bin. Tests run the shipped build, not the sources. */
export function binPath(name: 'maglevd' | 'maglevc' | 'maglevt' | 'maglevd-frontend' | 'vpp-lb-sim'): string {
  const p = fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));
  if (!existsSync(p)) throw new Error(`${p} is missing: run 'npm run build' first (npm test does)`);
  return p;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a built binary to completion and collects its output. */
export function runBin(
  name: Parameters<typeof binPath>[0],
  args: readonly string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  const spawnOpts: SpawnOptions = {
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: opts.cwd,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath(name), ...args], spawnOpts);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin?.end(opts.input ?? '');
  });
}
