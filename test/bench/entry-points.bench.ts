/**
 * Import time and module count of each entry point, imported by name from the built package in a
 * fresh Node.js process (test/support/load-probe.mjs), median of RUNS processes each.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PROBE = join(ROOT, 'test/support/load-probe.mjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const ENTRIES = [
  'vpp-maglev/model',
  'vpp-maglev/vpp-api',
  'vpp-maglev/plan',
  'vpp-maglev/reconcile',
  'vpp-maglev/health',
  'vpp-maglev/vpp',
  'vpp-maglev/sim',
  'vpp-maglev/config',
  'vpp-maglev/api',
  'vpp-maglev/daemon',
  'vpp-maglev',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

process.stdout.write(
  '| entry point | import, median ms | modules loaded | third-party packages |\n| --- | --- | --- | --- |\n',
);
for (const e of ENTRIES) {
  const times: number[] = [];
  let modules: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = JSON.parse(execFileSync(process.execPath, [PROBE, e], { cwd: ROOT, encoding: 'utf8' })) as {
      ms: number;
      modules: string[];
    };
    times.push(r.ms);
    modules = r.modules;
  }
  const packages = new Set(
    modules
      .filter((m) => m.includes('node_modules/'))
      .map((m) => {
        const parts = m.slice(m.lastIndexOf('node_modules/') + 13).split('/');
        return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
      }),
  );
  process.stdout.write(`| \`${e}\` | ${median(times).toFixed(0)} | ${modules.length} | ${packages.size} |\n`);
}
