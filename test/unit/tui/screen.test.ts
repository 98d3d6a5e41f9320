import { describe, expect, it } from 'vitest';
import { blessedTerminal } from '../../../lib/tui/screen.js';

describe('blessedTerminal', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['xterm-256color', 'xterm-256color'],
    ['tmux-256color', 'xterm-256color'],
    ['screen-256color', 'xterm-256color'],
    ['screen.xterm-256color', 'xterm-256color'],
    ['screen', 'screen'],
    ['tmux', 'tmux'],
    ['linux', 'linux'],
    ['rxvt-unicode-256color', 'rxvt-unicode-256color'],
  ])('gives blessed %s as %s', (term, want) => {
    expect(blessedTerminal(term)).toBe(want);
  });
});
