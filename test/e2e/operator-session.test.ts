/**
 * The model-based operator session: random, seeded sequences of what operators do — reloads that
 * add, remove and rename backends, frontends, pools and health checks, weight edits, broken
 * files; backends going down and up; pause, resume, disable, enable and weight overrides;
 * simulator restarts; kill -9 and restart of maglevd with its state file — against the built
 * binaries, checked after every step against an independent model (test/support/session).
 *
 * CI runs a fixed seed and a fresh one. A long session locally:
 *   MAGLEV_SESSION_SEED=7 MAGLEV_SESSION_STEPS=5000 MAGLEV_SESSION_FRESH_STEPS=0 \
 *     npx vitest run test/e2e/operator-session.test.ts
 * A failure prints the seed and the shrunk sequence of steps; MAGLEV_SESSION_REPLAY=<file with
 * that JSON> replays it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Step } from '../support/session/model.js';
import { runSession, shrink } from '../support/session/runner.js';

const env = process.env;
const FIXED_SEED = Number(env.MAGLEV_SESSION_SEED ?? 20261201);
const FIXED_STEPS = Number(env.MAGLEV_SESSION_STEPS ?? 200);
const FRESH_STEPS = Number(env.MAGLEV_SESSION_FRESH_STEPS ?? 100);
const SHRINK_MS = Number(env.MAGLEV_SESSION_SHRINK_MS ?? 600_000);
const HOUR = 3_600_000;

async function session(seed: number, plan: number | readonly Step[]): Promise<void> {
  const r = await runSession(
    seed,
    plan,
    (s) => process.stderr.write(`operator session: ${s}\n`),
    env.MAGLEV_SESSION_VERBOSE === '1',
  );
  if (r.failedAt < 0) {
    expect(r.steps.length).toBe(typeof plan === 'number' ? plan : plan.length);
    return;
  }
  const shrunk = SHRINK_MS > 0 ? await shrink(seed, r.steps, SHRINK_MS) : r.steps;
  throw new Error(
    `operator session failed: seed ${seed}, step ${r.failedAt + 1}: ${r.error}\n` +
      `shrunk to ${shrunk.length} steps (replay with MAGLEV_SESSION_REPLAY=<file>):\n${JSON.stringify(shrunk)}`,
  );
}

describe('operator session against maglevd, vpp-lb-sim and loopback backends', () => {
  if (env.MAGLEV_SESSION_REPLAY) {
    it(
      'replays the given steps',
      async () => {
        const steps = JSON.parse(readFileSync(env.MAGLEV_SESSION_REPLAY as string, 'utf8')) as Step[];
        await session(FIXED_SEED, steps);
      },
      HOUR,
    );
    return;
  }
  it(`seed ${FIXED_SEED}: ${FIXED_STEPS} steps`, () => session(FIXED_SEED, FIXED_STEPS), 10 * HOUR);
  if (FRESH_STEPS > 0) {
    const seed = Date.now() % 2 ** 31;
    it(`fresh seed ${seed}: ${FRESH_STEPS} steps`, () => session(seed, FRESH_STEPS), 10 * HOUR);
  }
});
