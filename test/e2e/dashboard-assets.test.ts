import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The dashboard draws its icons as inline SVG: an emoji needs a colour emoji font, and
// without one (servers, kiosks, minimal desktops) it shows as an empty box. Neither the
// shipped build nor the sources it is made from may carry one.

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/**
 * Characters that need an emoji font or a font beyond the Basic Multilingual Plane:
 * pictographs (emoji with or without emoji presentation), the emoji variation selector,
 * the zero-width joiner of emoji sequences, and anything outside the BMP.
 */
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Presentation}|\u{FE0F}|\u{200D}|[\u{10000}-\u{10FFFF}]/gu;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...files(full));
    else out.push(full);
  }
  return out;
}

/** Every offending character with its file, line and code point. */
function findEmoji(paths: readonly string[]): string[] {
  const hits: string[] = [];
  for (const p of paths) {
    readFileSync(p, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const m of line.matchAll(EMOJI)) {
          const cp = (m[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
          hits.push(`${relative(repo(''), p)}:${i + 1}: U+${cp}`);
        }
      });
  }
  return hits;
}

describe('dashboard icons', () => {
  it('the check recognises emoji, including the ones the dashboard used to show', () => {
    for (const e of [
      '\u2705',
      '\u26A0\uFE0F',
      '\u2757',
      '\u203C\uFE0F',
      '\u2753',
      '\u2764\uFE0F',
      '\u{1F600}',
    ])
      expect(e.match(EMOJI), e).not.toBeNull();
    // Plain typography the app uses stays allowed.
    expect('\u25B8 \u2191\u2193 \u2192 \u2013 \u2026 \u00B7 \u00A7'.match(EMOJI)).toBeNull();
  });

  it('the app sources hold no emoji (web/ and the lib/dashboard modules bundled into it)', () => {
    const sources = [...files(repo('web')), ...files(repo('lib/dashboard'))].filter((p) =>
      /\.(tsx?|css|html|svg|json)$/.test(p),
    );
    expect(sources.length).toBeGreaterThan(10);
    expect(findEmoji(sources)).toEqual([]);
  });

  it('the built app (dist/web) holds no emoji and ships its SVG icons', () => {
    const dist = repo('dist/web');
    if (!existsSync(join(dist, 'index.html')))
      throw new Error(`${dist} is missing: run 'npm run build' first (npm test does)`);
    const built = files(dist);
    expect(built.some((p) => p.endsWith('.js'))).toBe(true);
    expect(findEmoji(built)).toEqual([]);
    const js = built
      .filter((p) => p.endsWith('.js'))
      .map((p) => readFileSync(p, 'utf8'))
      .join('\n');
    for (const icon of [
      'health-ok',
      'health-degraded',
      'health-fallback',
      'health-down',
      'health-unknown',
      'heart',
    ])
      expect(js).toContain(icon);
  });
});
