/** Stand-in VIPs for maglevt tests: HTTP servers on loopback addresses and a config naming them. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface VipSpec {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** Default tcp. */
  readonly protocol?: 'tcp' | 'udp';
  /** An http health check on the VIP's port makes maglevt send HTTP requests; default true. */
  readonly http?: boolean;
}

/** A maglev.yaml whose frontends are the given VIPs, each with a backend of its own. */
export function vipConfigYaml(vips: readonly VipSpec[]): string {
  const lines = ['maglev:', '  vpp:', '    lb: { ipv4-src-address: 127.0.0.1 }', '  healthchecks:'];
  for (const v of vips)
    lines.push(`    hc-${v.name}: { type: ${v.http === false ? 'tcp' : 'http'}, port: ${v.port} }`);
  lines.push('  backends:');
  vips.forEach((v, i) => {
    lines.push(`    be-${v.name}: { address: 127.0.1.${i + 1}, healthcheck: hc-${v.name} }`);
  });
  lines.push('  frontends:');
  for (const v of vips) {
    lines.push(
      `    ${v.name}:`,
      `      address: ${v.address}`,
      `      protocol: ${v.protocol ?? 'tcp'}`,
      `      port: ${v.port}`,
      `      pools: [{ name: primary, backends: { be-${v.name}: {} } }]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface TempDir {
  readonly path: string;
  write(name: string, text: string): string;
  remove(): void;
}

export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write: (name, text) => {
      const file = join(path, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
