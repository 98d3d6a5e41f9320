import { promises as dns } from 'node:dns';

/**
 * The lookups behind the FQDN in maglevt's title; real DNS by default, fakes in tests.
 *
 * @internal
 */
export interface FqdnResolver {
  /** The host's address, as getaddrinfo finds it (/etc/hosts, then DNS). */
  lookup(hostname: string): Promise<string>;
  /** The canonical name of an address, as getnameinfo finds it. */
  reverse(address: string): Promise<string>;
}

export const systemResolver: FqdnResolver = {
  lookup: async (hostname) => (await dns.lookup(hostname)).address,
  reverse: async (address) => (await dns.lookupService(address, 0)).hostname,
};

/** How long the header may wait for DNS before settling for the bare host name. */
export const DEFAULT_FQDN_TIMEOUT_MS = 500;

/**
 * The host's fully qualified name for the header, as `hostname -f` finds it: the host name's
 * address and that address's canonical name. A name that already has a dot is kept. The answer
 * is used only when it names this host (its first label is the host name) — a loopback address
 * resolves to "localhost", which says nothing. Anything that fails or takes longer than
 * `timeoutMs` gives the plain host name.
 */
export async function resolveFqdn(
  hostname: string,
  opts: { resolver?: FqdnResolver; timeoutMs?: number } = {},
): Promise<string> {
  if (hostname === '' || hostname.includes('.')) return hostname;
  const resolver = opts.resolver ?? systemResolver;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), opts.timeoutMs ?? DEFAULT_FQDN_TIMEOUT_MS);
  });
  const lookup = (async () => {
    const address = await resolver.lookup(hostname);
    return await resolver.reverse(address);
  })().catch(() => null);
  try {
    const name = await Promise.race([lookup, timeout]);
    return name !== null && isFqdnOf(name, hostname) ? name.replace(/\.$/, '') : hostname;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `name` is a longer, dotted name whose first label is `hostname`. */
export function isFqdnOf(name: string, hostname: string): boolean {
  const clean = name.replace(/\.$/, '');
  const dot = clean.indexOf('.');
  return dot > 0 && dot < clean.length - 1 && clean.slice(0, dot).toLowerCase() === hostname.toLowerCase();
}
