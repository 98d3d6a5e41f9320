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
    for (const text of [
      '--server',
      '--color',
      'MAGLEV_SERVER',
      'MAGLEV_COLOR',
      'NO_COLOR',
      'localhost:9090',
      'always',
      'never',
      'auto',
      'cannot reach maglevd at',
    ]) {
      expect(section).toContain(text);
      expect(man).toContain(text);
    }
  });

  it('says what pause does, as the code does it: weight 0, flows kept; nowhere "last weight"', () => {
    const pause = MAGLEVC_TREE.find((n) => n.words?.includes('set'))
      ?.children?.find((n) => n.words?.includes('backend'))
      ?.children?.[0]?.children?.find((n) => n.words?.includes('pause'));
    expect(pause?.help).toMatch(/weight 0/);
    expect(section).toMatch(/`set backend <name> pause` \| [^|]*weight 0[^|]*without flushing/);
    expect(man).toContain('and VPP gives it weight 0 in every frontend without flushing');
    for (const text of [section, man, pause?.help ?? ''])
      expect(text).not.toMatch(/last weight|keeps its state and weight/);
  });

  it('documents the override mark and the detail listings', () => {
    expect(section).toContain('* weight set at runtime by an operator, not from the config');
    expect(man).toContain('show frontends detail');
    expect(section).toContain('for f in $(maglevc show frontends)');
  });
});
