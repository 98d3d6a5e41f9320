import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import * as pb from '../../../lib/api/gen/maglev_pb.js';
import { makeStyle, stripAnsi } from '../../../lib/cli/format.js';
import {
  previewChanges,
  renderBackend,
  renderBackendList,
  renderFrontend,
  renderFrontendList,
  renderHealthCheck,
  renderLbState,
  renderNames,
  renderPreview,
  renderVppInfo,
} from '../../../lib/cli/render.js';
import { FakeMaglevd } from '../../integration/cli/fake-maglevd.js';

process.env.TZ = 'UTC';

const NOW = Date.UTC(2026, 3, 15, 12, 0, 0);
const fake = new FakeMaglevd(NOW);
const h = fake.handlers;
const plain = makeStyle(false);
const color = makeStyle(true);

describe('renderers', () => {
  it('show frontends <name>: fields, then pools with members, weights not 100 and [disabled]', async () => {
    const web = await h.getFrontend(create(pb.GetFrontendRequestSchema, { name: 'web' }));
    expect(renderFrontend(web, plain)).toEqual([
      'name           web',
      'address        192.0.2.1',
      'protocol       tcp',
      'port           80',
      'description    Public website',
      'state          up',
      'src-ip-sticky  false',
      'flush-on-down  true',
      'pools',
      '  primary (active)',
      '    nginx0  192.0.2.10  up',
      '    nginx1  192.0.2.11  down      weight 50',
      '  fallback',
      '    nginx2  192.0.2.12  disabled  [disabled]',
    ]);
    // Colour changes nothing but the escapes.
    expect(renderFrontend(web, color).map(stripAnsi)).toEqual(renderFrontend(web, plain));
  });

  it('show frontends <name>: an operator weight is marked *, with a footnote, even at 100', async () => {
    const set = (backend: string, weight: number) =>
      h.setFrontendPoolBackendWeight(
        create(pb.SetWeightRequestSchema, { frontend: 'web', pool: 'primary', backend, weight }),
      );
    try {
      await set('nginx0', 100);
      const web = await set('nginx1', 20);
      const lines = renderFrontend(web, plain);
      expect(lines.slice(9)).toEqual([
        '  primary (active)',
        '    nginx0  192.0.2.10  up        weight 100*',
        '    nginx1  192.0.2.11  down      weight 20*',
        '  fallback',
        '    nginx2  192.0.2.12  disabled  [disabled]',
        '* weight set at runtime by an operator, not from the config',
      ]);
      expect(renderFrontend(web, color).map(stripAnsi)).toEqual(lines);
      // No override, no footnote.
      const api = await h.getFrontend(create(pb.GetFrontendRequestSchema, { name: 'api' }));
      expect(renderFrontend(api, plain).join('\n')).not.toContain('*');
    } finally {
      fake.reset(NOW);
    }
  });

  it('show frontends|backends|healthchecks: the names, one per line, nothing else', () => {
    expect(renderNames(['web', 'api', 'dns'])).toEqual(['web', 'api', 'dns']);
    expect(renderNames([])).toEqual([]);
  });

  it('show backends <name>: state with how long, transitions with time and age', async () => {
    const b = await h.getBackend(create(pb.GetBackendRequestSchema, { name: 'nginx0' }));
    expect(renderBackend(b, NOW, plain)).toEqual([
      'name         nginx0',
      'address      192.0.2.10',
      'state        up for 10m30s',
      'enabled      true',
      'healthcheck  http-check',
      'health       4 (rise 2, fall 3)',
      'frontends    web',
      'last-probe   ok L7OK HTTP 200 in 12ms, 3s ago',
      'transitions',
      '  2026-04-15 10:00:00.000  unknown -> up  L7OK   2h0m ago    HTTP 200',
      '  2026-04-15 11:45:00.000  up -> down     L7STS  15m0s ago   HTTP 503',
      '  2026-04-15 11:49:30.000  down -> up     L7OK   10m30s ago  HTTP 200',
    ]);
    const none = await h.getBackend(create(pb.GetBackendRequestSchema, { name: 'api1' }));
    expect(renderBackend(none, NOW, plain).slice(-2)).toEqual(['transitions', '  none']);
  });

  it('compact tables of all frontends and backends', async () => {
    const fl = await h.listFrontends(create(pb.ListFrontendsRequestSchema));
    expect(renderFrontendList(fl.frontends, plain)).toEqual([
      'name  address       protocol  port  state    active-pool  up   description',
      'web   192.0.2.1     tcp       80    up       primary      1/3  Public website',
      'api   198.51.100.1  tcp       443   unknown  main         0/2  API gateway',
      'dns   203.0.113.53  udp       53    up       main         1/1',
    ]);
    const bl = await h.listBackends(create(pb.ListBackendsRequestSchema));
    const lines = renderBackendList(bl.backends, NOW, plain);
    expect(lines[0]).toBe('name    address        state     for     enabled  healthcheck  frontends');
    expect(lines[3]).toBe('nginx2  192.0.2.12     disabled  1d15h   false    http-check   web');
    expect(renderFrontendList([], plain)).toEqual(['no frontends']);
  });

  it('show vpp info: boot time and connection time with durations', async () => {
    const v = await h.getVPPInfo(create(pb.GetVPPInfoRequestSchema));
    expect(renderVppInfo(v, NOW, plain)).toEqual([
      'version       24.10-release',
      'build-date    2024-10-30T12:00:00',
      'build-dir     /w/workspace/vpp-merge-2410-ubuntu2204-x86_64',
      'vpp-pid       4242',
      'vpp-boottime  2026-04-13 20:00:00.000 (up 1d16h)',
      'connected     2026-04-15 10:48:00.000 (for 1h12m)',
    ]);
  });

  it('show vpp lbstate: global conf, VIPs, one key-value line per application server', async () => {
    const s = await h.getVPPLBState(create(pb.GetVPPLBStateRequestSchema));
    const lines = renderLbState(s, plain);
    expect(lines.slice(0, 11)).toEqual([
      'global',
      '  ip4-src-address          192.0.2.254',
      '  ip6-src-address          2001:db8::fe',
      '  sticky-buckets-per-core  65536',
      '  flow-timeout             40s',
      'vip 192.0.2.1/32 protocol tcp port 80',
      '  frontend           web',
      '  encap              gre4',
      '  src-ip-sticky      false',
      '  flow-table-length  1024',
      '  address 192.0.2.10 weight 100 flow-table-buckets 1024',
    ]);
    expect(lines).toContain('  address 192.0.2.11 weight 0   flow-table-buckets 0');
    expect(renderLbState(create(pb.VPPLBStateSchema), plain)).toContain('no VIPs');
  });

  it('show healthchecks <name>: probe parameters, HTTP ones for HTTP checks', async () => {
    const c = await h.getHealthCheck(create(pb.GetHealthCheckRequestSchema, { name: 'http-check' }));
    const lines = renderHealthCheck(c, plain);
    expect(lines).toContain('fast-interval   1s');
    expect(lines).toContain('response-codes  200-399');
    const t = await h.getHealthCheck(create(pb.GetHealthCheckRequestSchema, { name: 'tcp-check' }));
    expect(renderHealthCheck(t, plain).some((l) => l.startsWith('path'))).toBe(false);
  });
});

describe('renderPreview', () => {
  const preview = create(pb.ChangePreviewSchema, {
    before: 'vpp',
    vipsChanged: 1,
    vipsRemoved: 1,
    vipsUnchanged: 3,
    assumptions: [{ backend: 'nginx9', state: 'unknown', reason: 'added' }],
    vips: [
      {
        frontend: 'web',
        prefix: '192.0.2.1/32',
        protocol: 'tcp',
        port: 80,
        change: 'changed',
        flowTableLength: 1024,
        movedBuckets: 212,
        servers: [
          {
            address: '10.0.0.1',
            backend: 'nginx0',
            change: 'unchanged',
            weightBefore: 100,
            weightAfter: 100,
            bucketsBefore: 512,
            bucketsAfter: 512,
          },
          {
            address: '10.0.0.2',
            backend: 'nginx1',
            change: 'changed',
            weightBefore: 100,
            weightAfter: 50,
            bucketsBefore: 512,
            bucketsAfter: 300,
          },
          { address: '10.0.0.3', backend: 'nginx9', change: 'added', weightAfter: 0 },
          {
            address: '10.0.0.10',
            backend: 'nginx2',
            change: 'unchanged',
            weightBefore: 0,
            weightAfter: 0,
            flush: true,
          },
        ],
      },
      {
        frontend: 'dns',
        prefix: '192.0.2.53/32',
        protocol: 'any',
        port: 0,
        change: 'unchanged',
        flowTableLength: 1024,
      },
      {
        frontend: '',
        prefix: '192.0.2.99/32',
        protocol: 'udp',
        port: 53,
        change: 'removed',
        flowTableLength: 1024,
        movedBuckets: 1024,
        servers: [
          { address: '10.0.0.5', change: 'removed', weightBefore: 1, bucketsBefore: 1024, flush: true },
        ],
      },
    ],
  });

  it('one line per VIP that changes, then its servers that change; a summary; the assumptions', () => {
    expect(renderPreview(preview, plain)).toEqual([
      'web 192.0.2.1/32 tcp/80: changed; 20.7% of new flows move (212/1024 buckets)',
      '  ~ nginx1  10.0.0.2   weight 100 -> 50  buckets 512 -> 300',
      '  + nginx9  10.0.0.3   weight 0          buckets 0',
      '    nginx2  10.0.0.10  weight 0          buckets 0           flush',
      '(not in the config) 192.0.2.99/32 udp/53: removed; 100.0% of new flows move (1024/1024 buckets)',
      '  - -  10.0.0.5  weight 1 -> 0  buckets 1024 -> 0  flush',
      '5 VIPs: 1 removed, 1 changed, 3 unchanged, against what VPP holds now',
      'assumes nginx9 (added) starts unknown: weight 0 until its health check passes',
    ]);
    expect(previewChanges(preview)).toBe(true);
    expect(stripAnsi(renderPreview(preview, color).join('\n'))).toBe(
      renderPreview(preview, plain).join('\n'),
    );
  });

  it('says so when nothing changes, and never rounds a change to 0%', () => {
    const same = create(pb.ChangePreviewSchema, {
      before: 'plan',
      vipsUnchanged: 1,
      vips: [{ change: 'unchanged' }],
    });
    expect(renderPreview(same, plain)).toEqual([
      "no change: 1 VIP: 1 unchanged, against maglevd's plan (VPP not connected)",
    ]);
    expect(previewChanges(same)).toBe(false);
    const tiny = create(pb.ChangePreviewSchema, {
      vipsChanged: 1,
      vips: [
        {
          frontend: 'big',
          prefix: '192.0.2.7/32',
          protocol: 'tcp',
          port: 443,
          change: 'changed',
          flowTableLength: 65536,
          movedBuckets: 3,
        },
      ],
    });
    expect(renderPreview(tiny, plain)[0]).toBe(
      'big 192.0.2.7/32 tcp/443: changed; <0.1% of new flows move (3/65536 buckets)',
    );
  });
});
