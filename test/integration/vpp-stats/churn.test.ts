import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StatsSegmentReader } from '../../../lib/vpp/stats/index.js';
import { startSegmentChild } from './child.js';

const dir = mkdtempSync(join(tmpdir(), 'vpp-stats-churn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading while another process rewrites the segment', () => {
  it('only ever returns states the writer committed', async () => {
    const path = join(dir, 'stats.sock');
    const child = await startSegmentChild('churn', path);
    const reader = new StatsSegmentReader({ maxBusyMs: 10_000 });
    try {
      await reader.connect(path);
      const seen = new Set<number>();
      let reads = 0;
      const deadline = Date.now() + 45_000;
      // Enough reads, over enough of the writer's generations, that reads overlap rebuilds.
      while (reads < 300 || seen.size < 25) {
        if (Date.now() > deadline) {
          expect.unreachable(`after ${reads} reads only ${seen.size} generations were seen`);
        }
        const got = await reader.dumpNames(['/churn/x', '/churn/names']);
        reads++;
        const x = got.get('/churn/x');
        const names = got.get('/churn/names');
        if (x?.kind !== 'simple' || names?.kind !== 'name-vector') {
          return expect.unreachable(`read ${reads}: entries missing or of the wrong kind`);
        }
        // Generation g: 4 threads of (g % 40) + 1 counters, every one equal to g, name "g<g>".
        const g = Number(x.values[0]?.[0] ?? -1n);
        const state = {
          threads: x.values.length,
          widths: x.values.map((row) => row.length),
          others: x.values.flat().filter((v) => v !== BigInt(g)).length,
          name: names.values[0],
        };
        expect(state, `read ${reads}`).toEqual({
          threads: 4,
          widths: Array(4).fill((g % 40) + 1),
          others: 0,
          name: `g${g}`,
        });
        seen.add(g);
      }
    } finally {
      await reader.close();
      expect(await child.stop()).toBe(0);
    }
  });
});
