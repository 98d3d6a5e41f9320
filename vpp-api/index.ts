/**
 * VPP's binary API over its unix socket: generated message definitions, codec and connection.
 * Knows nothing of maglev.
 *
 * @packageDocumentation
 */
export const VPP_API_MODULE = 'vpp-api';
