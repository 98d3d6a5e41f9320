/**
 * TLS files named by flags: the `--tls-*` settings of maglevd's clients (maglevc,
 * maglevd-frontend: how they reach maglevd) and a listener's own certificate and key. Files are
 * read here, up front, so a missing or wrong file is reported with the flag or variable it came
 * from instead of surfacing later as a failed handshake.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/**
 * The `--tls-*` values as given: file names, not contents. Empty strings are unset.
 *
 * @internal
 */
export interface ClientTlsSettings {
  /** `--tls`: TLS with the system's trusted roots even when no other tls setting is given. */
  readonly tls: boolean;
  /** `--tls-ca`: PEM file of the CA(s) that sign maglevd's certificate. */
  readonly ca: string;
  /** `--tls-cert`: PEM file of this client's certificate chain (mutual TLS). */
  readonly cert: string;
  /** `--tls-key`: PEM file of the private key of `cert`. */
  readonly key: string;
  /** `--tls-server-name`: the name maglevd's certificate must carry, instead of the dialled host. */
  readonly serverName: string;
}

/**
 * The client TLS settings from parsed flag values keyed as the flags are spelled (`tls-ca`, ...),
 * as maglevc and maglevd-frontend both name them.
 *
 * @internal
 */
export function clientTlsSettings(values: {
  readonly tls: boolean;
  readonly 'tls-ca': string;
  readonly 'tls-cert': string;
  readonly 'tls-key': string;
  readonly 'tls-server-name': string;
}): ClientTlsSettings {
  return {
    tls: values.tls,
    ca: values['tls-ca'],
    cert: values['tls-cert'],
    key: values['tls-key'],
    serverName: values['tls-server-name'],
  };
}

/**
 * The TLS material for the gRPC client: PEM contents, ready for `MaglevClient`'s `tls` option.
 *
 * @internal
 */
export interface ClientTlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly serverName?: string;
}

/**
 * A TLS file setting that cannot be used; the message names the setting (as `origin` described
 * it, e.g. "flag --tls-ca" or "MAGLEV_TLS_CA (--tls-ca)") and the file.
 *
 * @internal
 */
export class TlsFileError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'TLS_FILE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'TlsFileError';
}

/**
 * The name of a setting of {@link ClientTlsSettings}, as its flag is spelled (`tls-ca`).
 *
 * @internal
 */
export type ClientTlsFlag = 'tls' | 'tls-ca' | 'tls-cert' | 'tls-key' | 'tls-server-name';

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

/** Whether any setting asks for TLS: `--tls`, or any of the others given. */
function wantsTls(s: ClientTlsSettings): boolean {
  return s.tls || s.ca !== '' || s.cert !== '' || s.key !== '' || s.serverName !== '';
}

type Read = (path: string) => Buffer;

/** A PEM file's contents, or a TlsFileError naming the file and where it was given (`where`). */
function readPem(path: string, where: string, kind: 'certificate' | 'key', read: Read): Buffer {
  let pem: Buffer;
  try {
    pem = read(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new TlsFileError(`cannot read ${path} (${where}): ${READ_ERRORS[code] ?? (e as Error).message}`, {
      cause: e,
    });
  }
  const text = pem.toString('latin1');
  const ok =
    kind === 'certificate'
      ? text.includes('-----BEGIN CERTIFICATE-----')
      : /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text);
  if (!ok)
    throw new TlsFileError(
      `${path} (${where}) holds no PEM ${kind === 'certificate' ? 'certificate ("-----BEGIN CERTIFICATE-----")' : 'private key ("-----BEGIN ... PRIVATE KEY-----")'}`,
    );
  return pem;
}

/**
 * OpenSSL's own checks (parsable, the key belongs to the certificate) now, with the files named
 * (`files`), rather than as a handshake that never starts.
 */
function checkUsable(options: Parameters<typeof createSecureContext>[0], files: string): void {
  try {
    createSecureContext(options);
  } catch (e) {
    const reason = (e as Error).message.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/, '');
    throw new TlsFileError(`cannot use ${files}: ${reason}`, { cause: e });
  }
}

/**
 * Reads the files the `--tls-*` settings name and checks them: each must be readable PEM of the
 * right kind, a certificate needs its key (and the reverse), and the key must match the
 * certificate. Resolves to undefined when no setting asks for TLS (a plaintext channel).
 *
 * @param origin - Describes where a setting came from, for messages (e.g. "flag --tls-ca").
 * @param read - Reads a file; default readFileSync (tests may pass their own).
 * @throws TlsFileError naming the setting and the file.
 * @internal
 */
export function loadClientTls(
  s: ClientTlsSettings,
  origin: (flag: ClientTlsFlag) => string,
  read: Read = (p) => readFileSync(p),
): ClientTlsMaterial | undefined {
  if (!wantsTls(s)) return undefined;
  if (s.cert !== '' && s.key === '')
    throw new TlsFileError(`${origin('tls-cert')} is set but --tls-key is not: a certificate needs its key`);
  if (s.key !== '' && s.cert === '')
    throw new TlsFileError(`${origin('tls-key')} is set but --tls-cert is not: a key needs its certificate`);
  const load = (flag: ClientTlsFlag, path: string, kind: 'certificate' | 'key'): Buffer | undefined =>
    path === '' ? undefined : readPem(path, origin(flag), kind, read);
  const ca = load('tls-ca', s.ca, 'certificate');
  const cert = load('tls-cert', s.cert, 'certificate');
  const key = load('tls-key', s.key, 'key');
  if (ca) checkUsable({ ca }, `${s.ca} (${origin('tls-ca')})`);
  if (cert && key)
    checkUsable({ cert, key }, `${s.cert} (${origin('tls-cert')}) with ${s.key} (${origin('tls-key')})`);
  return {
    ...(ca && { ca }),
    ...(cert && { cert }),
    ...(key && { key }),
    ...(s.serverName !== '' && { serverName: s.serverName }),
  };
}

/**
 * A server's own certificate and key, read from files (maglevd-frontend's `--listen-tls-*`).
 *
 * @internal
 */
export interface ListenerTlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * Reads and checks a listener's certificate and key: both or neither (undefined: plain HTTP),
 * readable PEM, and the key must be the certificate's. Used at start and again on SIGHUP.
 *
 * @param files - The paths; "" for unset. `certFlag` and `keyFlag` say where each was given
 *   (e.g. "flag --listen-tls-cert"); `certName` and `keyName` name an unset one ("--listen-tls-cert").
 * @throws TlsFileError naming the flag and the file.
 * @internal
 */
export function loadListenerTls(
  files: {
    readonly cert: string;
    readonly key: string;
    readonly certFlag: string;
    readonly keyFlag: string;
    readonly certName: string;
    readonly keyName: string;
  },
  read: Read = (p) => readFileSync(p),
): ListenerTlsMaterial | undefined {
  const { cert: certPath, key: keyPath, certFlag, keyFlag, certName, keyName } = files;
  if (certPath === '' && keyPath === '') return undefined;
  if (keyPath === '')
    throw new TlsFileError(`${certFlag} is set but ${keyName} is not: a certificate needs its key`);
  if (certPath === '')
    throw new TlsFileError(`${keyFlag} is set but ${certName} is not: a key needs its certificate`);
  const cert = readPem(certPath, certFlag, 'certificate', read);
  const key = readPem(keyPath, keyFlag, 'key', read);
  checkUsable({ cert, key }, `${certPath} (${certFlag}) with ${keyPath} (${keyFlag})`);
  return { cert, key };
}
