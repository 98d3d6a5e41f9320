import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAGLEVC_TREE } from '../../../lib/cli/tree.js';
import { commandSummaries } from '../../../lib/cli/walk.js';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

describe('maglevc documentation', () => {
  const guide = read('docs/user-guide.md');
  const section = guide.slice(
    guide.indexOf('<!-- section: maglevc -->'),
    guide.indexOf('<!-- end section: maglevc -->'),
  );
  const man = read('docs/man/maglevc.1')
    .replace(/\\f[BIRP]/g, '')
    .replace(/\\-/g, '-');

  it.each(commandSummaries(MAGLEVC_TREE).map((s) => [s.syntax]))('documents %s', (syntax) => {
    const head = syntax.replace(/ [[<].*$/, '');
    expect(section).toContain(`\`${syntax.replace(/ \[[^\]]*\]$/, '')}`);
    // The man page spells each command's keywords, formatting aside.
    for (const word of head.split(' ')) expect(man).toContain(word);
  });

  it('documents the flags and their environment variables in both places', () => {
    for (const text of ['--server', '--color', 'MAGLEV_SERVER', 'MAGLEV_COLOR', 'localhost:9090']) {
      expect(section).toContain(text);
      expect(man).toContain(text);
    }
  });
});
