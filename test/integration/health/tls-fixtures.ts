/** Certificates made at test time with openssl; nothing private is ever committed. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsFixtures {
  readonly dir: string;
  /** Self-signed, names self.test and 127.0.0.4. */
  readonly self: { key: Buffer; cert: Buffer };
  /** Signed by `caFile`, name backend.test. */
  readonly leaf: { key: Buffer; cert: Buffer };
  readonly caFile: string;
  cleanup(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeTlsFixtures(): TlsFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'maglev-health-tls-'));
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  ssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'self.key',
    '-out',
    'self.crt',
    '-days',
    '1',
    '-subj',
    '/CN=self.test',
    '-addext',
    'subjectAltName=DNS:self.test,IP:127.0.0.4',
  );
  ssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=vpp-maglev test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  ssl(
    'req',
    ...EC,
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
    '-subj',
    '/CN=backend.test',
    '-addext',
    'subjectAltName=DNS:backend.test',
  );
  ssl(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'leaf.crt',
    '-days',
    '1',
    '-copy_extensions',
    'copy',
  );
  const read = (f: string): Buffer => readFileSync(join(dir, f));
  return {
    dir,
    self: { key: read('self.key'), cert: read('self.crt') },
    leaf: { key: read('leaf.key'), cert: read('leaf.crt') },
    caFile: join(dir, 'ca.crt'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
