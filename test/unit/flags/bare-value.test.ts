import { describe, expect, it } from 'vitest';
import { type FlagSpecs, formatHelp, parseFlags, UsageError } from '../../../lib/flags/flags.js';

// A GNU-style `--color[=WHEN]`: alone it means its bareValue, and it never eats the next word.
const specs = {
  color: {
    kind: 'string',
    env: ['X_COLOR'],
    default: 'auto',
    bareValue: 'always',
    valueName: 'WHEN',
    description: 'colour',
  },
  server: { kind: 'string', default: 'localhost:9090', description: 'server' },
} as const satisfies FlagSpecs;

describe('a string flag with a bare value', () => {
  it('alone takes its bare value and leaves the next word to the command', () => {
    const r = parseFlags(specs, ['--color', 'show', 'frontends'], {}, { positionals: true });
    expect(r.values.color).toBe('always');
    expect(r.sources.color).toBe('flag');
    expect(r.positionals).toEqual(['show', 'frontends']);
  });

  it('takes a value after =, in every spelling, and beats the environment', () => {
    for (const arg of ['--color=never', '-color=never']) {
      expect(parseFlags(specs, [arg], { X_COLOR: 'always' }).values.color).toBe('never');
    }
    expect(parseFlags(specs, [], { X_COLOR: 'never' }).values.color).toBe('never');
    expect(parseFlags(specs, [], {}).values.color).toBe('auto');
  });

  it('leaves other string flags taking the next argument', () => {
    const r = parseFlags(specs, ['--server', 'h:1', '--color', 'x'], {}, { positionals: true });
    expect(r.values).toEqual({ color: 'always', server: 'h:1' });
    expect(r.positionals).toEqual(['x']);
    expect(() => parseFlags(specs, ['--server'], {})).toThrow(UsageError);
  });

  it('shows [=WHEN] in --help', () => {
    expect(formatHelp(specs, { program: 'x', usage: 'x' })).toMatch(/^ {2}--color\[=WHEN\] +colour/m);
  });
});
