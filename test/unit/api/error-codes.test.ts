/**
 * Errors carry a typed `code`, and the gRPC layer classifies them by it, never by class name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcStatusOf, InvalidArgumentError, NotFoundError } from '../../../lib/api/errors.js';
import { OperatorStateNotSavedError } from '../../../lib/daemon/maglevd.js';
import { BackendDisabledError, BackendNotFoundError } from '../../../lib/health/errors.js';
import { FrontendNotFoundError, VppNotConnectedError } from '../../../lib/reconcile/reconciler.js';
import { VppNotConnected } from '../../../lib/vpp/client.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'gen' || f === 'generated' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('error codes', () => {
  it('every error class of the library declares a code', () => {
    const missing: string[] = [];
    const codes = new Map<string, string[]>();
    for (const file of [...sources(join(ROOT, 'lib')), ...sources(join(ROOT, 'vpp-api'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/class (\w+) extends (\w*Error)\b[^{]*\{([\s\S]*?)\n\}/g)) {
        const body = m[3] as string;
        const code = /readonly code(?::\s*string)?\s*=\s*'([A-Z0-9_]+)'/.exec(body)?.[1];
        // A system error name (as Node's errors), or a gRPC status code (the client's errors).
        const own = /readonly code: (string|status),/.test(body) || m[2] === 'MaglevCallError';
        if (!code && !own) missing.push(`${relative(ROOT, file)}: ${m[1]}`);
        if (code) codes.set(code, [...(codes.get(code) ?? []), m[1] as string]);
      }
    }
    expect(missing).toEqual([]);
    // One code, one meaning: only the two "VPP is not connected" errors share theirs.
    const shared = [...codes].filter(([, classes]) => classes.length > 1);
    expect(shared.map(([c, classes]) => [c, [...classes].sort()])).toEqual([
      ['VPP_NOT_CONNECTED', ['VppNotConnected', 'VppNotConnectedError']],
    ]);
  });

  it('maps errors to gRPC status by code, through the cause chain', () => {
    const cases: Array<[unknown, status]> = [
      [new BackendNotFoundError('b1'), status.NOT_FOUND],
      [new FrontendNotFoundError('web'), status.NOT_FOUND],
      [new NotFoundError('x'), status.NOT_FOUND],
      [new InvalidArgumentError('x'), status.INVALID_ARGUMENT],
      [new BackendDisabledError('b1', 'pause'), status.FAILED_PRECONDITION],
      [new OperatorStateNotSavedError(new Error('EROFS')), status.FAILED_PRECONDITION],
      [new VppNotConnectedError(), status.UNAVAILABLE],
      [new VppNotConnected(), status.UNAVAILABLE],
      [new Error('wrapped', { cause: new BackendNotFoundError('b1') }), status.NOT_FOUND],
      [new Error('plain'), status.INTERNAL],
      ['not an error', status.INTERNAL],
    ];
    for (const [err, want] of cases) expect(grpcStatusOf(err), String(err)).toBe(want);
    // A name alone classifies nothing.
    const impostor = new Error('x');
    impostor.name = 'BackendNotFoundError';
    expect(grpcStatusOf(impostor)).toBe(status.INTERNAL);
  });
});
