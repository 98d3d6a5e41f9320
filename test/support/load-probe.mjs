// Imports one module specifier and prints, as JSON, how long the import took and every module
// it loaded (ESM through a resolve hook, CommonJS through Module._load). Run by
// test/e2e/entry-points.test.ts and the `entry-points` bench in a fresh process each time.
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import Module, { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const specifier = process.argv[2];
const log = join(tmpdir(), `load-probe-${process.pid}.log`);
register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(s, c, next) {
  const r = await next(s, c);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`)}`,
);
const cjs = new Set();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const r = load.call(this, request, parent, isMain);
  try {
    cjs.add(Module._resolveFilename(request, parent, isMain));
  } catch {
    cjs.add(request);
  }
  return r;
};
const t0 = performance.now();
await import(specifier);
const ms = performance.now() - t0;
const esm = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
rmSync(log, { force: true });
appendFileSync(1, `${JSON.stringify({ ms, modules: [...new Set([...esm, ...cjs])] })}\n`);
