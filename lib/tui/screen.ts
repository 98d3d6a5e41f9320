import type { Readable, Writable } from 'node:stream';
import blessed from 'blessed';

/** What the keys do. */
export interface ScreenActions {
  quit(): void;
  togglePause(): void;
  reset(): void;
}

export interface ScreenIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** The terminal type ($TERM); blessed reads its terminfo entry. */
  readonly terminal?: string;
}

/** One frame: every text already formatted with blessed tags. */
export interface Frame {
  readonly title: string;
  readonly table: readonly string[];
  readonly errorsLabel: string;
  /** The error panel's lines, given how many rows it has. */
  readonly errors: (rows: number) => readonly string[];
  readonly footer: string;
}

/**
 * The terminal type to give blessed. blessed cannot read the terminfo entries newer ncurses
 * writes for tmux and screen with 256 colours and would fall back to an 8-colour xterm; those
 * terminals understand everything blessed sends as xterm-256color.
 */
export function blessedTerminal(term: string | undefined): string | undefined {
  if (term === undefined || term === '') return undefined;
  return /^(tmux|screen)([.-].*)?-256colou?r$/.test(term) ? 'xterm-256color' : term;
}

// Long lines are cut at the screen edge rather than wrapped into the next row.
const NO_WRAP = { wrap: false } as object;

/**
 * The terminal screen: a title line, the VIP table, an error panel that takes the rest of the
 * height, and a key line. It only draws frames and turns keys into actions; everything it shows
 * is computed elsewhere. The alternate screen is used, so destroy() gives the shell its screen
 * back as it was.
 */
export class TuiScreen {
  readonly #screen: blessed.Widgets.Screen;
  readonly #title: blessed.Widgets.BoxElement;
  readonly #table: blessed.Widgets.BoxElement;
  readonly #errors: blessed.Widgets.BoxElement;
  readonly #footer: blessed.Widgets.BoxElement;
  #destroyed = false;

  constructor(io: ScreenIo, actions: ScreenActions) {
    this.#screen = blessed.screen({
      // @types/blessed has the two stream types swapped; blessed reads keys from input.
      input: io.input as unknown as Writable,
      output: io.output as unknown as Readable,
      ...(blessedTerminal(io.terminal) ? { terminal: blessedTerminal(io.terminal) } : {}),
      smartCSR: true,
      fullUnicode: true,
      warnings: false,
      title: 'maglevt',
    });
    this.#title = blessed.box({
      parent: this.#screen,
      top: 0,
      left: 0,
      width: '100%',
      height: 1,
      tags: true,
      ...NO_WRAP,
    });
    this.#table = blessed.box({
      parent: this.#screen,
      top: 2,
      left: 0,
      width: '100%',
      height: 1,
      tags: true,
      ...NO_WRAP,
    });
    this.#errors = blessed.box({
      parent: this.#screen,
      top: 3,
      left: 0,
      width: '100%',
      bottom: 1,
      tags: true,
      border: { type: 'line' },
      label: ' errors ',
      ...NO_WRAP,
    });
    this.#footer = blessed.box({
      parent: this.#screen,
      bottom: 0,
      left: 0,
      width: '100%',
      height: 1,
      tags: true,
      ...NO_WRAP,
    });
    this.#screen.key(['q', 'C-c'], () => actions.quit());
    this.#screen.key(['p'], () => actions.togglePause());
    this.#screen.key(['r'], () => actions.reset());
  }

  /** How many colours the terminal has, as blessed sees it. */
  get colors(): number {
    return (this.#screen.tput as unknown as { colors?: number }).colors ?? 8;
  }

  draw(frame: Frame): void {
    if (this.#destroyed) return;
    this.#title.setContent(frame.title);
    this.#table.height = frame.table.length;
    this.#table.setContent(frame.table.join('\n'));
    this.#errors.top = 2 + frame.table.length + 1;
    this.#errors.setLabel(` ${frame.errorsLabel} `);
    // Two rows are the panel's border.
    const rows = Math.max(0, (this.#screen.height as number) - (2 + frame.table.length + 1) - 1 - 2);
    this.#errors.setContent(frame.errors(rows).join('\n'));
    this.#footer.setContent(frame.footer);
    this.#screen.render();
  }

  /** Leaves the alternate screen and gives the terminal back (cooked mode, cursor shown). */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#screen.destroy();
  }
}
