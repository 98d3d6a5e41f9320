import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import { loadAssets, locateAssets } from '../../../lib/dashboard/assets.js';
import { adminCredentialsFromEnv, frontendFlags } from '../../../lib/dashboard/flags.js';
import { applyEvent } from '../../../lib/dashboard/reduce.js';
import type { MaglevdSnapshot } from '../../../lib/dashboard/types.js';
import { backendView, dashboardEventOf, frontendView, lbStateView } from '../../../lib/dashboard/views.js';
import { parseFlags, UsageError } from '../../../lib/flags/flags.js';

const frontend = create(pb.FrontendInfoSchema, {
  name: 'web',
  address: '198.51.100.1',
  protocol: 'tcp',
  port: 80,
  state: 'up',
  activePool: 0,
  pools: [
    {
      name: 'primary',
      backends: [
        { name: 'a', address: '192.0.2.1', weight: 100, effectiveWeight: 100, state: 'up', enabled: true },
        { name: 'b', address: '192.0.2.2', weight: 50, effectiveWeight: 50, state: 'up', enabled: true },
      ],
    },
    {
      name: 'fallback',
      backends: [{ name: 'c', address: '192.0.2.3', weight: 100, state: 'up', enabled: true }],
    },
  ],
});

function snapshot(): MaglevdSnapshot {
  return {
    name: 'lb1',
    address: 'lb1:9090',
    status: { connected: true, streaming: true, error: null, since: 1 },
    frontends: [frontendView(frontend)],
    backends: ['a', 'b', 'c'].map((n) =>
      backendView(
        create(pb.BackendInfoSchema, { name: n, state: 'up', enabled: true, stateSinceNs: 5_000_000n }),
      ),
    ),
    healthchecks: [],
    vpp: { state: 'connected', info: null, error: null },
    lb: null,
  };
}

describe('views', () => {
  it('turns nanoseconds into milliseconds and unknown words into unknown', () => {
    const b = backendView(
      create(pb.BackendInfoSchema, {
        name: 'x',
        state: 'weird',
        stateSinceNs: 1_700_000_000_123_456_789n,
        lastProbe: {
          ok: true,
          code: 'L7OK',
          duration: { seconds: 1n, nanos: 250_000_000 },
          atNs: 2_000_000n,
        },
        transitions: [{ from: 'up', to: 'down', atNs: 3_000_000n, code: 'L4CON' }],
      }),
    );
    expect(b).toMatchObject({
      state: 'unknown',
      stateSince: 1_700_000_000_123,
      lastProbe: { durationMs: 1250, at: 2 },
      transitions: [{ from: 'up', to: 'down', at: 3, code: 'L4CON' }],
    });
    expect(backendView(create(pb.BackendInfoSchema, { name: 'y' })).stateSince).toBeNull();
  });

  it('keeps only live application servers of VPP', () => {
    const lb = lbStateView(
      create(pb.VPPLBStateSchema, {
        vips: [
          {
            frontend: 'web',
            ases: [
              { address: '192.0.2.1', buckets: 1024, flags: 1, backend: 'a' },
              { address: '192.0.2.9', buckets: 0, flags: 0 },
            ],
          },
        ],
      }),
      7,
    );
    expect(lb.vips[0]?.ases.map((a) => a.address)).toEqual(['192.0.2.1']);
  });

  it('maps WatchEvents events; an empty oneof is ignored', () => {
    const e = dashboardEventOf(
      'lb1',
      create(pb.EventSchema, {
        event: {
          case: 'backend',
          value: { backend: 'a', frontend: '', transition: { from: 'up', to: 'down', atNs: 9_000_000n } },
        },
      }),
    );
    expect(e).toMatchObject({ type: 'transition', maglevd: 'lb1', frontend: null, transition: { at: 9 } });
    expect(dashboardEventOf('lb1', create(pb.EventSchema, {}))).toBeNull();
  });
});

describe('applyEvent', () => {
  it('a transition updates the backend and re-applies pool failover in its frontend', () => {
    let s = snapshot();
    const t = (backend: string, to: 'up' | 'down' | 'disabled', at: number) =>
      ({
        type: 'transition',
        maglevd: 'lb1',
        backend,
        frontend: 'web',
        address: '',
        transition: { from: 'up', to, at, code: '', detail: '' },
      }) as const;
    s = applyEvent(s, t('a', 'down', 10));
    s = applyEvent(s, t('b', 'disabled', 11));
    expect(s.backends.map((b) => [b.name, b.state, b.enabled, b.stateSince])).toEqual([
      ['a', 'down', true, 10],
      ['b', 'disabled', false, 11],
      ['c', 'up', true, 5],
    ]);
    const f = s.frontends[0];
    expect([
      f?.activePool,
      f?.pools[1]?.backends[0]?.effectiveWeight,
      f?.pools[0]?.backends[0]?.effectiveWeight,
    ]).toEqual([1, 100, 0]);
  });

  it('replaces or appends objects by name, and leaves the snapshot alone for logs', () => {
    const s = snapshot();
    const changed = applyEvent(s, {
      type: 'frontend',
      maglevd: 'lb1',
      frontend: { ...frontendView(frontend), description: 'new' },
    });
    expect(changed.frontends.map((f) => f.description)).toEqual(['new']);
    const added = applyEvent(s, {
      type: 'frontend',
      maglevd: 'lb1',
      frontend: { ...frontendView(frontend), name: 'api' },
    });
    expect(added.frontends.map((f) => f.name)).toEqual(['web', 'api']);
    expect(
      applyEvent(s, { type: 'log', maglevd: 'lb1', level: 'debug', msg: 'probe-start', attrs: {}, at: 1 }),
    ).toBe(s);
    const st = applyEvent(s, {
      type: 'frontend-state',
      maglevd: 'lb1',
      frontend: 'web',
      from: 'up',
      to: 'down',
      at: 1,
    });
    expect(st.frontends[0]?.state).toBe('down');
    expect(s.frontends[0]?.state).toBe('up');
  });
});

describe('assets', () => {
  it('finds dist/web from the sources and from a built package, and serves only what is there', () => {
    const root = mkdtempSync(join(tmpdir(), 'dash-pkg-'));
    try {
      mkdirSync(join(root, 'lib', 'dashboard'), { recursive: true });
      mkdirSync(join(root, 'dist', 'web', 'assets'), { recursive: true });
      mkdirSync(join(root, 'dist', 'bin'), { recursive: true });
      writeFileSync(join(root, 'dist', 'web', 'index.html'), '<!doctype html>');
      writeFileSync(join(root, 'dist', 'web', 'assets', 'a-1.js'), '1');
      const want = join(root, 'dist', 'web');
      expect(locateAssets(pathToFileURL(join(root, 'lib', 'dashboard', 'assets.ts')).href)).toBe(want);
      expect(locateAssets(pathToFileURL(join(root, 'dist', 'bin', 'maglevd-frontend.js')).href)).toBe(want);
      expect(locateAssets(pathToFileURL(join(root, 'dist', 'chunk-X.js')).href)).toBe(want);
      const assets = loadAssets(want);
      expect([...assets.keys()].sort()).toEqual(['assets/a-1.js', 'index.html']);
      expect(assets.get('assets/a-1.js')).toMatchObject({
        contentType: 'text/javascript; charset=utf-8',
        immutable: true,
      });
      expect(assets.get('index.html')?.immutable).toBe(false);
      rmSync(join(root, 'dist', 'web', 'index.html'));
      expect(() => loadAssets(want)).toThrow(/no index.html/);
      expect(locateAssets(pathToFileURL(join(root, 'lib', 'dashboard', 'assets.ts')).href)).toBeNull();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('maglevd-frontend flags', () => {
  it('takes repeated and comma-separated servers; flags beat MAGLEV_FRONTEND_*, which beat MAGLEV_*', () => {
    const v = parseFlags(frontendFlags, ['-server', 'a:9090,b:9090', '--server=c:9090'], {
      MAGLEV_SERVERS: 'x:1',
      MAGLEV_FRONTEND_LISTEN: '127.0.0.1:8081',
      MAGLEV_LISTEN: ':1',
      MAGLEV_FRONTEND_LOG_LEVEL: 'debug',
    }).values;
    expect([v.server, v.listen, v['log-level']]).toEqual([
      ['a:9090', 'b:9090', 'c:9090'],
      '127.0.0.1:8081',
      'debug',
    ]);
    const env = parseFlags(frontendFlags, [], {
      MAGLEV_FRONTEND_SERVER: 'lb1:9090, lb2:9090',
      MAGLEV_SERVERS: 'x:1',
    }).values;
    expect([env.server, env.listen]).toEqual([['lb1:9090', 'lb2:9090'], ':8080']);
    expect(() => parseFlags(frontendFlags, ['-log-level', 'loud'], {})).toThrow(UsageError);
  });

  it('turns admin on only with both user and password', () => {
    expect(adminCredentialsFromEnv({})).toBeNull();
    expect(adminCredentialsFromEnv({ MAGLEV_FRONTEND_USER: 'ops', MAGLEV_FRONTEND_PASSWORD: 'pw' })).toEqual({
      user: 'ops',
      password: 'pw',
    });
    expect(() => adminCredentialsFromEnv({ MAGLEV_FRONTEND_USER: 'ops' })).toThrow(
      /neither MAGLEV_FRONTEND_PASSWORD nor a password file/,
    );
    expect(() => adminCredentialsFromEnv({ MAGLEV_FRONTEND_PASSWORD: 'pw' })).toThrow(/USER is not/);
    expect(() =>
      adminCredentialsFromEnv({ MAGLEV_FRONTEND_USER: 'a:b', MAGLEV_FRONTEND_PASSWORD: 'pw' }),
    ).toThrow(/":"/);
  });
});
