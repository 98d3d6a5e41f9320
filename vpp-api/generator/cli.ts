/**
 * `npm run vpp-binapi -- [--api-dir DIR] [--out DIR] [--from-committed MODULE,...]`: regenerates
 * vpp-api/generated from VPP's `.api.json` files (default DIR /usr/share/vpp/api, searching core/
 * and plugins/ too). `--from-committed` takes the named modules from the committed definitions
 * instead, for when their `.api.json` files are not at hand.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_API_DIR, generateFromDir } from './load.js';

const USAGE = 'usage: npm run vpp-binapi -- [--api-dir DIR] [--out DIR] [--from-committed MODULE,...]';

function parseArgs(argv: readonly string[]): { apiDir: string; out: string; fromCommitted: string[] } {
  let apiDir = DEFAULT_API_DIR;
  const fromCommitted: string[] = [];
  let out = fileURLToPath(new URL('../generated/', import.meta.url));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const key = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq >= 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value\n${USAGE}`);
      return v;
    };
    if (key === '--api-dir' || key === '-api-dir') apiDir = value();
    else if (key === '--out' || key === '-out') out = value();
    else if (key === '--from-committed' || key === '-from-committed')
      fromCommitted.push(
        ...value()
          .split(',')
          .filter((m) => m !== ''),
      );
    else if (key === '--help' || key === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return { apiDir, out, fromCommitted };
}

try {
  const { apiDir, out, fromCommitted } = parseArgs(process.argv.slice(2));
  const files = await generateFromDir(apiDir, undefined, fromCommitted);
  await mkdir(out, { recursive: true });
  for (const [name, text] of files) await writeFile(join(out, name), text);
  process.stdout.write(`vpp-binapi: wrote ${files.size} files to ${out} from ${apiDir}\n`);
} catch (e) {
  process.stderr.write(`vpp-binapi: ${(e as Error).message}\n`);
  process.exit(1);
}
