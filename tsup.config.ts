import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// Version, commit and build date are baked into the bundles at build time, as the Go original
// did with -ldflags. Outside a git checkout the commit is "unknown".
function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const buildInfo = {
  __MAGLEV_VERSION__: JSON.stringify(pkg.version),
  __MAGLEV_COMMIT__: JSON.stringify(process.env.MAGLEV_BUILD_COMMIT ?? gitCommit()),
  __MAGLEV_DATE__: JSON.stringify(
    process.env.MAGLEV_BUILD_DATE ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  ),
};

export default defineConfig([
  {
    entry: {
      'lib/index': 'lib/index.ts',
      'vpp-api/index': 'vpp-api/index.ts',
      'lib/model/index': 'lib/model/index.ts',
      'lib/config/index': 'lib/config/index.ts',
      'lib/health/index': 'lib/health/index.ts',
      'lib/plan/index': 'lib/plan/index.ts',
      'lib/vpp/index': 'lib/vpp/index.ts',
      'lib/reconcile/index': 'lib/reconcile/index.ts',
      'lib/sim/index': 'lib/sim/index.ts',
      'lib/api/index': 'lib/api/index.ts',
      'lib/daemon/index': 'lib/daemon/index.ts',
    },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    outDir: 'dist',
    dts: false,
    sourcemap: true,
    clean: false,
    splitting: true,
    define: buildInfo,
  },
  {
    entry: {
      'bin/maglevd': 'bin/maglevd.ts',
      'bin/maglevc': 'bin/maglevc.ts',
      'bin/maglevt': 'bin/maglevt.ts',
      'bin/maglevd-frontend': 'bin/maglevd-frontend.ts',
      'bin/vpp-lb-sim': 'bin/vpp-lb-sim.ts',
      'bin/maglev-demo': 'bin/maglev-demo.ts',
    },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    outDir: 'dist',
    dts: false,
    sourcemap: true,
    clean: false,
    splitting: true,
    banner: { js: '#!/usr/bin/env node' },
    define: buildInfo,
  },
]);
