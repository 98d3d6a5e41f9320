import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** A segment-child process, started and waited for until it listens. */
export interface SegmentChild {
  proc: ChildProcess;
  /** Closes its stdin (which stops it) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

export async function startSegmentChild(mode: 'serve' | 'churn', socketPath: string): Promise<SegmentChild> {
  const script = fileURLToPath(new URL('./fixtures/segment-child.ts', import.meta.url));
  const proc = spawn(process.execPath, ['--import', 'tsx', script, mode, socketPath], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout?.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: string): void => {
      out += chunk;
      if (out.includes('ready\n')) {
        proc.stdout?.off('data', onData);
        resolve();
      }
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`segment child exited with ${code} before it was ready`)));
  });
  return {
    proc,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.stdin?.end();
      const [code] = (await once(proc, 'exit')) as [number | null];
      return code;
    },
  };
}
