/**
 * grpc-js hands the dialled host to TLS as the SNI server name even when it is an IP address,
 * and Node then prints a deprecation warning (DEP0123) to stderr: noise for an operator who
 * typed `--server 192.0.2.1:9090`, and a non-JSON line in maglevd-frontend's log. The server
 * name is still verified against the certificate's IP SANs; only this one warning is dropped.
 */
export function quietIpServerNameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const [, typeOrOptions, code] = args;
    const c =
      typeof typeOrOptions === 'object' && typeOrOptions !== null
        ? (typeOrOptions as { code?: string }).code
        : code;
    if (c === 'DEP0123') return;
    emit(...args);
  }) as typeof process.emitWarning;
}
