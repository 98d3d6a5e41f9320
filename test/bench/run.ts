/**
 * `npm run bench [-- NAME...]`: runs every test/bench/*.bench.ts (or those whose name contains
 * one of the arguments), one process each so they do not disturb each other, in file order.
 * Each bench prints its own markdown table; docs/benchmarks.md records the results.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const cpu = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  `# vpp-maglev benchmarks\n\n${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpu} · ${Math.round(totalmem() / 2 ** 30)} GiB\n\n`,
);
let failed = 0;
for (const f of files) {
  process.stdout.write(`## ${f.replace(/\.bench\.ts$/, '')}\n\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`\n(${f} failed with status ${r.status})\n`);
  }
  process.stdout.write('\n');
}
process.exitCode = failed > 0 ? 1 : 0;
