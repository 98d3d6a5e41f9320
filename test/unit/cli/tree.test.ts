import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CommandName, MAGLEVC_TREE } from '../../../lib/cli/tree.js';
import {
  AmbiguousWordError,
  type CommandNode,
  type CommandPath,
  candidatesAfter,
  commandPaths,
  commandSummaries,
  completionAt,
  helpAt,
  IncompleteCommandError,
  InvalidValueError,
  nodeLabel,
  parseCommand,
  UnknownWordError,
  validateTree,
} from '../../../lib/cli/walk.js';

type Node = CommandNode<CommandName>;

const SAMPLE: Record<string, string> = {
  frontend: 'web',
  backend: 'nginx0',
  pool: 'primary',
  healthcheck: 'http-check',
  count: '5',
  weight: '42',
  level: 'warn',
  file: 'next.yaml',
};

/** The word a node takes in a sample command line. */
function sampleWord(n: Node): string {
  if (n.words) return n.words[0] as string;
  const slot = n.slot;
  if (!slot) throw new Error('node without words or slot');
  return SAMPLE[slot.kind] as string;
}

/** What a word competes with at its position on the path. */
function competitors(path: CommandPath<CommandName>, i: number): Node[] {
  return candidatesAfter(MAGLEVC_TREE, path.nodes.slice(0, i).map(sampleWord).join(' '));
}

/** Where a name may stand, keywords must be spelled out: a prefix would be taken as a name. */
function besideName(siblings: readonly Node[]): boolean {
  return siblings.some((s) => s.slot && !s.slot.choices && !s.slot.numeric);
}

/** The shortest prefix of `word` that no other keyword at that position shares. */
function shortestUnique(word: string, node: Node, siblings: readonly Node[]): number {
  if (besideName(siblings)) return word.length;
  for (let len = 1; len <= word.length; len++) {
    const p = word.slice(0, len);
    const clash = siblings.some((s) => s !== node && s.words?.some((w) => w.startsWith(p)));
    if (!clash) return len;
  }
  return word.length;
}

const paths = commandPaths(MAGLEVC_TREE);

describe('the maglevc command tree', () => {
  it('is consistent: no clashing spellings, dead ends, or missing help', () => {
    expect(validateTree(MAGLEVC_TREE)).toEqual([]);
  });

  it('covers every command of the Go maglevc 1.0 and more', () => {
    const syntaxes = commandSummaries(MAGLEVC_TREE).map((s) => s.syntax);
    expect(syntaxes).toEqual([
      'show version',
      'show frontends [<name>]',
      'show frontends detail',
      'show backends [<name>]',
      'show backends detail',
      'show healthchecks [<name>]',
      'show healthchecks detail',
      'show vpp info',
      'show vpp lbstate',
      'show vpp lb state',
      'show vpp lb counters',
      'sync vpp lbstate [<name>]',
      'sync vpp lb state [<name>]',
      'set backend <name> pause [dry-run]',
      'set backend <name> resume [dry-run [assume-up]]',
      'set backend <name> disable [dry-run]',
      'set backend <name> enable [dry-run [assume-up]]',
      'set frontend <name> pool <pool> backend <name> weight <0-100> [flush] [dry-run]',
      'watch events [num <n>] [log [level <level>]] [backend] [frontend]',
      'config check',
      'config reload',
      'config diff [<file>] [assume-up]',
      'help',
      'quit',
      'exit',
    ]);
    // Every command the tree names is reachable.
    expect(new Set(paths.map((p) => p.command)).size).toBe(22);
    // Options are walked too.
    expect(paths.map((p) => p.syntax)).toContain('watch events log level <level>');
  });

  describe.each(paths.map((p) => [p.syntax, p] as const))('%s', (_syntax, path) => {
    const words = path.nodes.map(sampleWord);

    it('parses with the sample values in their slots', () => {
      const parsed = parseCommand(MAGLEVC_TREE, words.join(' '));
      expect(parsed.command).toBe(path.command);
      path.nodes.forEach((n, i) => {
        if (n.slot) expect(parsed.args[n.slot.arg]).toBe(words[i]);
      });
    });

    it('completes each keyword from its first letter up and offers each slot', () => {
      path.nodes.forEach((n, i) => {
        const before = words.slice(0, i).join(' ');
        const lead = before === '' ? '' : `${before} `;
        const atStart = completionAt(MAGLEVC_TREE, lead);
        expect(atStart, `completion after "${lead}"`).toBeDefined();
        if (n.words) {
          const w = n.words[0] as string;
          expect(atStart?.words).toContain(w);
          const partial = completionAt(MAGLEVC_TREE, `${lead}${w.slice(0, 1)}`);
          expect(partial?.words).toContain(w);
          expect(partial?.start).toBe(lead.length);
        } else if (n.slot?.choices) {
          expect(atStart?.words).toEqual(n.slot.choices);
        } else if (n.slot?.numeric) {
          expect(atStart?.slot).toBeUndefined();
        } else {
          expect(atStart?.slot?.kind).toBe(n.slot?.kind);
        }
      });
    });

    it('has help at every step, and <cr> at its end', () => {
      path.nodes.forEach((n, i) => {
        const before = words.slice(0, i).join(' ');
        const entries = helpAt(MAGLEVC_TREE, before === '' ? '' : `${before} `);
        const entry = entries.find((e) => e.label === nodeLabel(n));
        expect(entry, `? after "${before}"`).toBeDefined();
        expect(entry?.help.length).toBeGreaterThan(3);
      });
      expect(helpAt(MAGLEVC_TREE, `${words.join(' ')} `).map((e) => e.label)).toContain('<cr>');
    });
  });

  it('accepts every unambiguous prefix of every keyword on every path (property)', () => {
    const arb = fc
      .constantFrom(...paths)
      .chain((path) =>
        fc
          .tuple(...path.nodes.map(() => fc.nat({ max: 20 })))
          .map((cuts) => ({ path, cuts: cuts as number[] })),
      );
    fc.assert(
      fc.property(arb, ({ path, cuts }) => {
        const full = path.nodes.map(sampleWord);
        const words = path.nodes.map((n, i) => {
          const w = full[i] as string;
          if (!n.words) return w;
          const min = shortestUnique(w, n, competitors(path, i));
          return w.slice(0, min + ((cuts[i] as number) % (w.length - min + 1)));
        });
        const parsed = parseCommand(MAGLEVC_TREE, words.join(' '));
        expect(parsed.command).toBe(path.command);
        expect(parsed.canonical).toEqual(full);
      }),
      { numRuns: 500 },
    );
  });

  it('tells an ambiguous prefix from a unique one on every path (property)', () => {
    const withClash = paths.flatMap((path) =>
      path.nodes.flatMap((n, i) => {
        if (!n.words || besideName(competitors(path, i))) return [];
        const w = n.words[0] as string;
        const min = shortestUnique(w, n, competitors(path, i));
        return min > 1 ? [{ path, i, prefix: w.slice(0, min - 1) }] : [];
      }),
    );
    expect(withClash.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(fc.constantFrom(...withClash), ({ path, i, prefix }) => {
        const words = path.nodes.slice(0, i).map(sampleWord);
        const sibling = competitors(path, i).filter((s) => s.words?.includes(prefix));
        if (sibling.length > 0) return; // the prefix is itself a keyword and wins exactly
        expect(() => parseCommand(MAGLEVC_TREE, [...words, prefix].join(' '))).toThrow(AmbiguousWordError);
      }),
    );
  });
});

describe('parsing', () => {
  it.each([
    ['sh ba nginx0', 'show-backends', { backend: 'nginx0' }],
    ['show backend nginx0', 'show-backends', { backend: 'nginx0' }],
    ['show backends', 'show-backends', {}],
    ['show frontend web', 'show-frontends', { frontend: 'web' }],
    ['sh fr', 'show-frontends', {}],
    ['show healthcheck http-check', 'show-healthchecks', { healthcheck: 'http-check' }],
    ['sh vpp lb', undefined, {}],
    ['show vpp lbstate', 'show-vpp-lbstate', {}],
    ['show vpp lbs', 'show-vpp-lbstate', {}],
    ['sh vp lb st', 'show-vpp-lbstate', {}],
    ['sh vp lb c', 'show-vpp-lb-counters', {}],
    ['sh vp i', 'show-vpp-info', {}],
    ['sh ver', 'show-version', {}],
    ['sync vpp lb state', 'sync-vpp-lbstate', {}],
    ['sync vpp lbstate web', 'sync-vpp-lbstate', { frontend: 'web' }],
    ['sy vp lb s web', 'sync-vpp-lbstate', { frontend: 'web' }],
    ['set backend nginx0 pause', 'set-backend-pause', { backend: 'nginx0' }],
    ['se b nginx0 r', 'set-backend-resume', { backend: 'nginx0' }],
    ['se b nginx0 d', 'set-backend-disable', { backend: 'nginx0' }],
    ['se b nginx0 en', 'set-backend-enable', { backend: 'nginx0' }],
    [
      'set frontend web pool primary backend nginx1 weight 50',
      'set-frontend-weight',
      { frontend: 'web', pool: 'primary', backend: 'nginx1', weight: '50' },
    ],
    [
      'se f web p primary b nginx1 w 0 f',
      'set-frontend-weight',
      { frontend: 'web', pool: 'primary', backend: 'nginx1', weight: '0', flush: 'true' },
    ],
    // A name that looks like a keyword is still a name in a slot.
    ['show backends show', 'show-backends', { backend: 'show' }],
    ['show frontends detail', 'show-frontends-detail', {}],
    ['sh fr detail', 'show-frontends-detail', {}],
    ['show backend detail', 'show-backends-detail', {}],
    ['sh he detail', 'show-healthchecks-detail', {}],
    // Beside a name, `detail` is not shortened: these are names.
    ['show frontends d', 'show-frontends', { frontend: 'd' }],
    ['show backends deta', 'show-backends', { backend: 'deta' }],
    ['show healthchecks details', 'show-healthchecks', { healthcheck: 'details' }],
    ['watch events', 'watch-events', {}],
    ['watch events num 5', 'watch-events', { num: '5' }],
    ['wa ev log', 'watch-events', { log: 'true' }],
    ['watch events log level warn backend', 'watch-events', { log: 'true', level: 'warn', backend: 'true' }],
    [
      'watch events frontend log l e num 3',
      'watch-events',
      { frontend: 'true', log: 'true', level: 'error', num: '3' },
    ],
    ['watch events backend frontend', 'watch-events', { backend: 'true', frontend: 'true' }],
    ['config check', 'config-check', {}],
    ['co rel', 'config-reload', {}],
    ['help', 'help', {}],
    ['q', 'quit', {}],
    ['exit', 'quit', {}],
    ['  show   version  ', 'show-version', {}],
  ] as const)('%s', (line, command, args) => {
    if (command === undefined) {
      expect(() => parseCommand(MAGLEVC_TREE, line)).toThrow(IncompleteCommandError);
      return;
    }
    const parsed = parseCommand(MAGLEVC_TREE, line);
    expect(parsed.command).toBe(command);
    expect(parsed.args).toEqual(args);
  });

  it.each([
    ['s', AmbiguousWordError, 0, 'ambiguous word "s": could be show, sync, set'],
    ['sh v', AmbiguousWordError, 3, 'ambiguous word "v": could be version, vpp'],
    ['show vpp l', AmbiguousWordError, 9, 'ambiguous word "l": could be lbstate, lb'],
    ['show foo', UnknownWordError, 5, 'unknown word "foo"; expected one of: version, frontends'],
    ['bogus', UnknownWordError, 0, 'unknown word "bogus"; expected one of: show, sync, set'],
    ['show version now', UnknownWordError, 13, 'unexpected word "now": the command is complete'],
    ['show frontends detail web', UnknownWordError, 22, 'unexpected word "web": the command is complete'],
    ['show', IncompleteCommandError, 4, 'incomplete command; expected one of: version'],
    ['set backend nginx0', IncompleteCommandError, 18, 'expected one of: pause, resume, disable, enable'],
    ['set frontend web pool primary backend nginx1 weight', IncompleteCommandError, 51, 'expected <0-100>'],
    ['', IncompleteCommandError, 0, 'empty command'],
    ['watch events num many', InvalidValueError, 17, 'invalid <n> "many": expected a whole number'],
    ['set fr web po p ba n weight -1', InvalidValueError, 28, 'invalid <0-100> "-1"'],
    ['watch events log level loud', InvalidValueError, 23, 'invalid <level> "loud": expected one of: debug'],
    ['watch events log level', IncompleteCommandError, 22, 'expected <level>'],
    ['watch events backend backend', UnknownWordError, 21, 'unknown word "backend"'],
  ] as const)('%j fails at column %#', (line, type, column, message) => {
    let caught: unknown;
    try {
      parseCommand(MAGLEVC_TREE, line);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(type);
    expect(caught).toMatchObject({ column, line });
    expect((caught as Error).message).toContain(message);
  });
});

describe('completion and ? help', () => {
  it.each([
    ['', ['show', 'sync', 'set', 'watch', 'config', 'help', 'quit', 'exit']],
    ['s', ['show', 'sync', 'set']],
    ['sh ba', ['backends']],
    ['show backend', ['backends']],
    ['sh vpp l', ['lbstate', 'lb']],
    ['watch events ', ['num', 'log', 'backend', 'frontend']],
    ['watch events log ', ['level', 'num', 'backend', 'frontend']],
    ['watch events log level ', ['debug', 'info', 'warn', 'error']],
    ['watch events num 3 backend ', ['log', 'frontend']],
    ['set backend nginx0 ', ['pause', 'resume', 'disable', 'enable']],
  ])('%j offers %j', (line, words) => {
    expect(completionAt(MAGLEVC_TREE, line)?.words).toEqual(words);
  });

  it('asks for live names with what was typed so far', () => {
    expect(completionAt(MAGLEVC_TREE, 'set frontend web pool pri')).toMatchObject({
      start: 22,
      partial: 'pri',
      words: [],
      slot: { kind: 'pool' },
      args: { frontend: 'web' },
    });
    expect(completionAt(MAGLEVC_TREE, 'set fr web pool primary backend ')).toMatchObject({
      slot: { kind: 'backend' },
      args: { frontend: 'web', pool: 'primary' },
    });
    expect(completionAt(MAGLEVC_TREE, 'sh he')?.words).toEqual(['healthchecks']);
    expect(completionAt(MAGLEVC_TREE, 'sh healthchecks ')?.slot?.kind).toBe('healthcheck');
    // `detail` and the live names compete for Tab.
    expect(completionAt(MAGLEVC_TREE, 'show frontends d')).toMatchObject({
      start: 15,
      partial: 'd',
      words: ['detail'],
      slot: { kind: 'frontend' },
    });
    expect(completionAt(MAGLEVC_TREE, 'show backends ')?.words).toEqual(['detail']);
  });

  it('offers nothing after words that do not parse', () => {
    expect(completionAt(MAGLEVC_TREE, 'show foo ')).toBeUndefined();
    expect(completionAt(MAGLEVC_TREE, 's ba')).toBeUndefined();
  });

  it('? lists continuations, narrowed by a partial word, with <cr> where the command may end', () => {
    expect(helpAt(MAGLEVC_TREE, 'show ').map((e) => e.label)).toEqual([
      'version',
      'frontends',
      'backends',
      'healthchecks',
      'vpp',
    ]);
    expect(helpAt(MAGLEVC_TREE, 'show ba')).toEqual([
      { label: 'backends', help: 'backends by name, one per line; or one in detail' },
    ]);
    expect(helpAt(MAGLEVC_TREE, 'show backends ')).toEqual([
      { label: 'detail', help: 'all backends as a table' },
      { label: '<name>', help: 'backend name' },
      { label: '<cr>', help: 'run the command' },
    ]);
    expect(helpAt(MAGLEVC_TREE, 'show healthchecks d').map((e) => e.label)).toEqual(['detail', '<name>']);
    expect(
      helpAt(MAGLEVC_TREE, 'set frontend web pool primary backend nginx1 weight ').map((e) => e.label),
    ).toEqual(['<0-100>']);
    expect(helpAt(MAGLEVC_TREE, 'watch events num 5 ').map((e) => e.label)).toEqual([
      'log',
      'backend',
      'frontend',
      '<cr>',
    ]);
    expect(() => helpAt(MAGLEVC_TREE, 'show foo ')).toThrow(UnknownWordError);
  });
});
