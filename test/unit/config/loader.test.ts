import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConfigParseError,
  type ConfigProblem,
  ConfigSemanticError,
} from '../../../lib/config/errors.js';
import { ConfigLoader } from '../../../lib/config/loader.js';
import { configText, parseCases, type RuleCase, semanticCases } from './cases.js';

const loader = new ConfigLoader();

function problemsOf(
  text: string,
  filename = 'maglev.yaml',
): { error: ConfigError; problems: readonly ConfigProblem[] } {
  try {
    loader.parse(text, { filename });
  } catch (e) {
    if (e instanceof ConfigError) return { error: e, problems: e.problems };
    throw e;
  }
  throw new Error('the config loaded, but it should not have');
}

function expectCase(c: RuleCase): void {
  expect(() => loader.parse(c.pass, { filename: 'pass.yaml' })).not.toThrow();
  const { error, problems } = problemsOf(c.fail);
  expect(error).toBeInstanceOf(c.kind === 'parse' ? ConfigParseError : ConfigSemanticError);
  const p = problems.find((x) => x.path === c.path && c.message.test(x.message));
  expect(p, `no problem at ${c.path} matching ${c.message}; got:\n${error.message}`).toBeDefined();
  if (!p) return;
  expect(p.file).toBe('maglev.yaml');
  if (c.path !== '' || c.kind === 'semantic') expect(p.line).toBeGreaterThan(0);
  if (c.at !== undefined) {
    const line = c.fail.split('\n')[p.line - 1] ?? '';
    expect(line.slice(p.column - 1).startsWith(c.at), `${p.line}:${p.column} is "${line}"`).toBe(true);
  }
}

describe('ConfigLoader parse errors', () => {
  it.each(parseCases.map((c) => [c.rule, c] as const))('%s', (_rule, c) => expectCase(c));
});

describe('ConfigLoader semantic errors', () => {
  it.each(semanticCases.map((c) => [c.rule, c] as const))('%s', (_rule, c) => expectCase(c));
});
