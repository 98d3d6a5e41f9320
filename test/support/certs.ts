/**
 * A small PKI made at test time with openssl, for the gRPC and dashboard TLS tests: one CA, a
 * server certificate for localhost / 127.0.0.1 / ::1, and client certificates by common name.
 * Nothing private is ever committed; every file lives in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

/** A certificate and its key, as files and as PEM. */
export interface CertPair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TestPki {
  /** The temporary directory holding every file. */
  readonly dir: string;
  /** The CA certificate (PEM file and contents). */
  readonly caFile: string;
  readonly ca: Buffer;
  /** The server certificate: CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1. */
  readonly server: CertPair;
  /** A client certificate signed by the CA with the given common name (and SAN DNS:<cn>). */
  client(commonName: string): CertPair;
  /** A certificate for `commonName` from a second, unrelated CA (a stranger's). */
  stranger(commonName: string): CertPair;
  /** A fresh server certificate (same names, new key and serial): what a rotation installs. */
  rotatedServer(): CertPair;
  cleanup(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'maglev-pki-'));
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const makeCa = (name: string, cn: string): void =>
    ssl(
      'req',
      '-x509',
      ...EC,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  let serial = 1;
  const issue = (ca: string, name: string, cn: string, san: string, usage: string): CertPair => {
    ssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    writeFileSync(
      join(dir, `${name}.ext`),
      `subjectAltName=${san}\nextendedKeyUsage=${usage}\nbasicConstraints=CA:FALSE\n`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-set_serial',
      String(serial++),
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
    const keyFile = join(dir, `${name}.key`);
    chmodSync(keyFile, 0o600);
    const certFile = join(dir, `${name}.crt`);
    return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
  };
  makeCa('ca', 'vpp-maglev test CA');
  makeCa('other-ca', 'someone else CA');
  const serverSan = 'DNS:localhost,IP:127.0.0.1,IP:::1';
  let rotations = 0;
  const safe = (cn: string): string => cn.replace(/[^A-Za-z0-9_-]/g, '_');
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    ca: readFileSync(join(dir, 'ca.crt')),
    server: issue('ca', 'server', 'localhost', serverSan, 'serverAuth'),
    client: (cn) => issue('ca', `client-${safe(cn)}`, cn, `DNS:${cn}`, 'clientAuth'),
    stranger: (cn) => issue('other-ca', `stranger-${safe(cn)}`, cn, `DNS:${cn}`, 'clientAuth,serverAuth'),
    rotatedServer: () => issue('ca', `server-rotated-${++rotations}`, 'localhost', serverSan, 'serverAuth'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The SHA-256 fingerprint of the certificate a TLS handshake with 127.0.0.1:`port` shows (h2,
 * server name localhost), presenting `client` when the server asks for one.
 */
export function servedFingerprint(port: number, ca: Buffer, client?: CertPair): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      host: '127.0.0.1',
      port,
      ca,
      ...(client ? { cert: client.cert, key: client.key } : {}),
      servername: 'localhost',
      ALPNProtocols: ['h2'],
    });
    s.once('secureConnect', () => {
      const fp = s.getPeerCertificate().fingerprint256;
      s.destroy();
      resolve(fp);
    });
    s.once('error', reject);
  });
}
