import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { experimental, type ServerCredentials } from '@grpc/grpc-js';

/**
 * TLS of maglevd's gRPC listeners: the PEM material (loaded from files, checked, swapped on
 * SIGHUP), the identities a client certificate carries, and the rule saying which calls change
 * nothing and so are open to read-only clients.
 */

/**
 * The PEM contents a TLS listener serves: its certificate chain and key, and optionally the CA
 * bundle client certificates must chain to (mutual TLS).
 *
 * @public
 */
export interface GrpcTlsMaterial {
  /** The server's certificate, leaf first, then any intermediates (PEM). */
  readonly cert: Buffer;
  /** The private key of the leaf certificate (PEM, unencrypted). */
  readonly key: Buffer;
  /** CA certificates a client certificate must be signed by (PEM); absent: no client certificates. */
  readonly clientCa?: Buffer;
}

/**
 * The files of {@link GrpcTlsMaterial}, and how errors name each (maglevd passes its flag names,
 * so an error reads "--grpc-tls-key /etc/x.key: no such file").
 *
 * @public
 */
export interface GrpcTlsFiles {
  /** The certificate chain file (PEM). */
  readonly certFile: string;
  /** Its private key file (PEM, unencrypted). */
  readonly keyFile: string;
  /** The client CA bundle (PEM); absent: no client certificates. */
  readonly clientCaFile?: string;
  /** How errors name the files; default "certificate", "key", "client CA". */
  readonly labels?: { readonly cert?: string; readonly key?: string; readonly clientCa?: string };
}

/**
 * What was loaded, for the logs: the leaf certificate's subject, SHA-256 fingerprint and expiry.
 *
 * @public
 */
export interface GrpcTlsSummary {
  /** The leaf certificate's subject, e.g. "CN=maglev1.example.net". */
  readonly subject: string;
  /** SHA-256 fingerprint of the leaf certificate, colon-separated hex (as openssl prints it). */
  readonly fingerprint256: string;
  /** The end of the leaf certificate's validity, ISO 8601. */
  readonly notAfter: string;
  /** How many CA certificates the client CA bundle holds; 0 without one. */
  readonly clientCaCount: number;
}

/**
 * A certificate, key or CA file that cannot be used. The message names the file (with its label)
 * and what is wrong: "--grpc-tls-key /etc/x.key: key does not match certificate /etc/x.crt".
 *
 * @public
 */
export class TlsMaterialError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'TLS_MATERIAL' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'TlsMaterialError';
  constructor(
    /** The file concerned ("" when the material did not come from a file). */
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

function describeReadError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return e instanceof Error ? e.message : String(e);
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle; throws with `name` on an empty or unreadable one. */
function parseCertificates(pem: Buffer, name: string, file: string): X509Certificate[] {
  const blocks = pem.toString('utf8').match(PEM_CERT) ?? [];
  if (blocks.length === 0)
    throw new TlsMaterialError(
      file,
      `${name}: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)`,
    );
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (e) {
      throw new TlsMaterialError(
        file,
        `${name}: certificate ${i + 1} cannot be parsed: ${(e as Error).message}`,
        { cause: e },
      );
    }
  });
}

function parseKey(pem: Buffer, name: string, file: string): KeyObject {
  const text = pem.toString('utf8');
  if (/-----BEGIN (ENCRYPTED PRIVATE KEY|.* PRIVATE KEY-----\r?\nProc-Type: 4,ENCRYPTED)/.test(text))
    throw new TlsMaterialError(
      file,
      `${name}: the key is encrypted; maglevd needs it unencrypted (openssl pkey -in KEY -out KEY.plain), kept readable by its user only`,
    );
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text))
    throw new TlsMaterialError(
      file,
      `${name}: no PEM private key in it (expected -----BEGIN PRIVATE KEY-----)`,
    );
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new TlsMaterialError(file, `${name}: the private key cannot be parsed: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * Checks TLS material as a listener would use it: the certificate and CA bundle parse, the key
 * parses, is not encrypted and belongs to the certificate, and node's TLS accepts the whole.
 * `names` are the labels used in errors (e.g. "--grpc-tls-cert /etc/x.crt"). Pure.
 *
 * @throws {@link TlsMaterialError} naming the file and the problem.
 * @public
 */
export function checkGrpcTlsMaterial(
  material: GrpcTlsMaterial,
  names: { readonly cert?: string; readonly key?: string; readonly clientCa?: string } = {},
  files: { readonly cert?: string; readonly key?: string; readonly clientCa?: string } = {},
): GrpcTlsSummary {
  const certName = names.cert ?? 'certificate';
  const keyName = names.key ?? 'key';
  const caName = names.clientCa ?? 'client CA';
  const [leaf] = parseCertificates(material.cert, certName, files.cert ?? '') as [X509Certificate];
  const key = parseKey(material.key, keyName, files.key ?? '');
  if (!leaf.checkPrivateKey(key))
    throw new TlsMaterialError(files.key ?? '', `${keyName}: key does not match certificate ${certName}`);
  const cas = material.clientCa ? parseCertificates(material.clientCa, caName, files.clientCa ?? '') : [];
  for (const [i, ca] of cas.entries()) {
    if (!ca.ca)
      throw new TlsMaterialError(
        files.clientCa ?? '',
        `${caName}: certificate ${i + 1} (${ca.subject.replace(/\n/g, ', ')}) is not a CA certificate`,
      );
  }
  try {
    createSecureContext({ cert: material.cert, key: material.key, ca: material.clientCa });
  } catch (e) {
    throw new TlsMaterialError(files.cert ?? '', `${certName}: not usable for TLS: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    fingerprint256: leaf.fingerprint256,
    notAfter: new Date(leaf.validTo).toISOString(),
    clientCaCount: cas.length,
  };
}

/**
 * Reads and checks the files of a TLS listener (see {@link checkGrpcTlsMaterial}).
 *
 * @throws {@link TlsMaterialError} naming the file: "--grpc-tls-key /etc/x.key: no such file".
 * @public
 */
export async function loadGrpcTlsFiles(
  files: GrpcTlsFiles,
): Promise<{ material: GrpcTlsMaterial; summary: GrpcTlsSummary }> {
  const label = (l: string | undefined, fallback: string, file: string) => `${l ?? fallback} ${file}`;
  const names = {
    cert: label(files.labels?.cert, 'certificate', files.certFile),
    key: label(files.labels?.key, 'key', files.keyFile),
    clientCa:
      files.clientCaFile === undefined
        ? undefined
        : label(files.labels?.clientCa, 'client CA', files.clientCaFile),
  };
  const read = async (file: string, name: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (e) {
      throw new TlsMaterialError(file, `${name}: ${describeReadError(e)}`, { cause: e });
    }
  };
  const cert = await read(files.certFile, names.cert);
  const key = await read(files.keyFile, names.key);
  const clientCa =
    files.clientCaFile === undefined ? undefined : await read(files.clientCaFile, names.clientCa as string);
  const material: GrpcTlsMaterial = clientCa ? { cert, key, clientCa } : { cert, key };
  const summary = checkGrpcTlsMaterial(material, names, {
    cert: files.certFile,
    key: files.keyFile,
    clientCa: files.clientCaFile,
  });
  return { material, summary };
}

type Listener<T> = (update: T | null) => void;
type IdentityUpdate = experimental.IdentityCertificateUpdate;
type CaUpdate = experimental.CaCertificateUpdate;

/**
 * The TLS of maglevd's TCP listeners: grpc-js server credentials whose certificate, key and
 * client CA can be replaced while the listeners run. New handshakes use the new material;
 * established connections and the listening sockets are untouched.
 *
 * Whether client certificates are required is fixed at construction (by the presence of
 * `clientCa`): a TLS server cannot start asking for them later.
 *
 * @public
 */
export class GrpcServerTls {
  /** The credentials to bind TCP listeners with; one object serves every listener. */
  readonly credentials: ServerCredentials;
  /** Clients must present a certificate signed by the client CA (mutual TLS). */
  readonly requireClientCertificate: boolean;
  #identity: IdentityUpdate;
  #ca: CaUpdate | null;
  readonly #identityListeners = new Set<Listener<IdentityUpdate>>();
  readonly #caListeners = new Set<Listener<CaUpdate>>();

  /**
   * @throws {@link TlsMaterialError} when the material does not pass {@link checkGrpcTlsMaterial}.
   */
  constructor(material: GrpcTlsMaterial) {
    checkGrpcTlsMaterial(material);
    this.#identity = { certificate: material.cert, privateKey: material.key };
    this.#ca = material.clientCa ? { caCertificate: material.clientCa } : null;
    this.requireClientCertificate = this.#ca !== null;
    // grpc-js's certificate-provider credentials push each update to every listener's TLS server
    // through setSecureContext: exactly "new handshakes use the new files".
    const identity: experimental.CertificateProvider = {
      addIdentityCertificateListener: (l) => this.#add(this.#identityListeners, l, () => this.#identity),
      removeIdentityCertificateListener: (l) => this.#identityListeners.delete(l),
      addCaCertificateListener: () => undefined,
      removeCaCertificateListener: () => undefined,
    };
    const ca: experimental.CertificateProvider = {
      addIdentityCertificateListener: () => undefined,
      removeIdentityCertificateListener: () => undefined,
      addCaCertificateListener: (l) => this.#add(this.#caListeners, l, () => this.#ca),
      removeCaCertificateListener: (l) => this.#caListeners.delete(l),
    };
    // grpc-js names the first parameter caCertificateProvider, but passes it on as the identity
    // provider (the constructor's first); the second is the CA provider, null without one.
    this.credentials = experimental.createCertificateProviderServerCredentials(
      identity,
      this.#ca ? ca : null,
      this.requireClientCertificate,
    );
  }

  /**
   * Serves new material from the next handshake on. The material is checked first: on a problem
   * this throws and the old material stays in use.
   *
   * @throws {@link TlsMaterialError} when the material does not pass {@link checkGrpcTlsMaterial};
   *   Error when it adds or removes the client CA (fixed at construction).
   */
  update(material: GrpcTlsMaterial): void {
    checkGrpcTlsMaterial(material);
    if ((material.clientCa !== undefined) !== this.requireClientCertificate)
      throw new Error('the client CA cannot be added or removed while maglevd runs: restart it');
    this.#identity = { certificate: material.cert, privateKey: material.key };
    for (const l of this.#identityListeners) l(this.#identity);
    if (material.clientCa) {
      this.#ca = { caCertificate: material.clientCa };
      for (const l of this.#caListeners) l(this.#ca);
    }
  }

  #add<T>(set: Set<Listener<T>>, l: Listener<T>, latest: () => T | null): void {
    set.add(l);
    // Asynchronously, as grpc-js's own providers do: its server registers the TLS server's
    // watcher only after adding this listener, and would miss a synchronous first update.
    process.nextTick(() => {
      if (set.has(l)) l(latest());
    });
  }
}

/**
 * The parts of a peer certificate {@link peerIdentities} reads: node's `tls.PeerCertificate`
 * (what grpc-js's `call.getAuthContext().sslPeerCertificate` is) has them.
 *
 * @public
 */
export interface PeerCertificateNames {
  /** The subject; its CN, one or several, is an identity. */
  readonly subject?: { readonly CN?: string | readonly string[] } | undefined;
  /** node's rendering of the subjectAltName extension: "DNS:a, URI:spiffe://x, email:o@x". */
  readonly subjectaltname?: string | undefined;
}

/**
 * The entries of node's subjectAltName rendering: `DNS:a, IP Address:1.2.3.4, URI:x`; a value
 * with a comma or quote in it is JSON-quoted (`DNS:"a, b"`). Pure.
 *
 * @public
 */
export function parseSubjectAltName(text: string): Array<{ readonly type: string; readonly value: string }> {
  const out: Array<{ type: string; value: string }> = [];
  const re = /\s*([A-Za-z][A-Za-z ]*):("(?:[^"\\]|\\.)*"|[^,]*)\s*(?:,|$)/y;
  re.lastIndex = 0;
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (m === null) break;
    const raw = (m[2] as string).trim();
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        value = raw.slice(1, -1);
      }
    }
    out.push({ type: m[1] as string, value });
    if (m[0].length === 0) break;
  }
  return out;
}

/**
 * The identities a client certificate carries, as `--grpc-admin` names them: its subject CNs,
 * then its DNS, URI and email subjectAltNames, in that order, without duplicates. IP addresses
 * are not identities. Pure.
 *
 * @public
 */
export function peerIdentities(cert: PeerCertificateNames): string[] {
  const out: string[] = [];
  const cn = cert.subject?.CN;
  for (const v of cn === undefined ? [] : typeof cn === 'string' ? [cn] : cn) out.push(v);
  for (const { type, value } of parseSubjectAltName(cert.subjectaltname ?? '')) {
    if (type === 'DNS' || type === 'URI' || type === 'email') out.push(value);
  }
  return [...new Set(out.filter((v) => v !== ''))];
}

/**
 * What a call needs: `read` (changes nothing: open to read-only clients) or `admin`.
 *
 * @public
 */
export type GrpcAccess = 'read' | 'admin';

const READ_METHODS: ReadonlySet<string> = new Set([
  'ListFrontends',
  'GetFrontend',
  'ListBackends',
  'GetBackend',
  'ListHealthChecks',
  'GetHealthCheck',
  'WatchEvents',
  'CheckConfig',
  'GetVPPInfo',
  'GetVPPLBState',
  'GetVPPLBCounters',
]);

/** Mutating RPCs whose request has `dry_run`: a preview changes nothing. */
const PREVIEWABLE: ReadonlySet<string> = new Set([
  'PauseBackend',
  'ResumeBackend',
  'EnableBackend',
  'DisableBackend',
  'SetFrontendPoolBackendWeight',
  'SyncVPPLBState',
]);

/**
 * The read-only rule: which maglev.Maglev calls a read-only client may make. Read: List*, Get*,
 * WatchEvents, CheckConfig, GetVPP*; any of Pause/Resume/Enable/DisableBackend,
 * SetFrontendPoolBackendWeight and SyncVPPLBState with `dry_run` set; PlanConfig unless it names
 * a `path` (that makes maglevd read a file of its host). Everything else — ReloadConfig, the
 * actions without `dry_run`, and any method this version does not know — needs an admin.
 * `method` is the RPC's name (PascalCase); `request` the decoded request message. Pure.
 *
 * @public
 */
export function grpcMethodAccess(method: string, request: unknown): GrpcAccess {
  if (READ_METHODS.has(method)) return 'read';
  const req = (request ?? {}) as { dryRun?: unknown; path?: unknown };
  if (PREVIEWABLE.has(method)) return req.dryRun === true ? 'read' : 'admin';
  if (method === 'PlanConfig') return typeof req.path === 'string' && req.path !== '' ? 'admin' : 'read';
  return 'admin';
}

/**
 * Who made a call, as far as the listener knows: a local (unix-socket) client, or the identities
 * of a verified client certificate (empty without one).
 *
 * @public
 */
export interface GrpcCaller {
  /** The call came over a unix socket: its file permissions admitted the client. */
  readonly local: boolean;
  /** The client certificate's identities ({@link peerIdentities}); empty without one. */
  readonly identities: readonly string[];
}

/**
 * Whether `caller` may make the call. Without `admins` (undefined), everyone the listener
 * admitted may do everything. With it, local callers and certificates carrying one of the admin
 * identities (compared exactly) may do everything; every other caller only what
 * {@link grpcMethodAccess} calls `read`. Pure.
 *
 * @public
 */
export function grpcCallPermitted(
  admins: ReadonlySet<string> | undefined,
  caller: GrpcCaller,
  method: string,
  request: unknown,
): boolean {
  if (admins === undefined || caller.local) return true;
  if (caller.identities.some((id) => admins.has(id))) return true;
  return grpcMethodAccess(method, request) === 'read';
}
