import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maglevtFlags } from '../../../lib/tui/flags.js';
import { formatDuration } from '../../../lib/util/duration.js';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

describe('maglevt documentation', () => {
  const guide = read('docs/user-guide.md');
  const section = guide.slice(
    guide.indexOf('<!-- section: maglevt -->'),
    guide.indexOf('<!-- end section: maglevt -->'),
  );
  const man = read('docs/man/maglevt.1')
    .replace(/\\f[BIRP]/g, '')
    .replace(/\\-/g, '-');

  it.each(Object.entries(maglevtFlags))(
    'documents --%s, its variables and its default in both places',
    (name, spec) => {
      for (const text of [`--${name}`, ...(spec.env ?? [])]) {
        expect(section).toContain(text);
        expect(man).toContain(text);
      }
      const d = spec.default;
      const shown =
        spec.kind === 'duration'
          ? formatDuration(d as number)
          : spec.kind === 'strings'
            ? (d as readonly string[]).join(',')
            : typeof d === 'string'
              ? d
              : null;
      if (shown) {
        expect(section).toContain(`\`${shown}\``);
        expect(man).toContain(shown);
      }
    },
  );

  it('documents the keys, the error classes and the exit statuses', () => {
    for (const text of ['Ctrl-C', 'timeout', 'http-err', 'net-err', 'spike', 'result:']) {
      expect(section).toContain(text);
      expect(man).toContain(text);
    }
    expect(man).toMatch(/^\.SH EXIT STATUS\n\.TP\n\.B 0\n[\s\S]*\.B 1\n[\s\S]*\.B 2\n/m);
  });
});
