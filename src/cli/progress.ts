/**
 * Progress on stderr for work that takes more than a second: a label, done/total, percentage
 * and elapsed time. On a terminal the line redraws in place; in logs and pipes (no TTY) it
 * prints a plain line now and then, and a final one, because \r redraws would pile up there.
 * Quick jobs print nothing, so short commands and tests stay quiet.
 */

/** Where the display writes: process.stderr, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width; lines are cut to fit, since a wrapped line cannot be redrawn with \r. */
  columns?: number;
}

export interface ProgressDisplayOptions {
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Milliseconds clock; default Date.now. */
  now?: () => number;
  /** Nothing shows before this many milliseconds; default 1000. */
  delay?: number;
  /** Without a TTY, at most one line per this many milliseconds; default 10000. */
  plainInterval?: number;
  /**
   * Calls `tick` regularly so the elapsed time moves between updates; returns a function
   * that stops it. Default: a 250 ms interval that does not keep Node alive.
   */
  schedule?: (tick: () => void) => () => void;
}

const everyQuarterSecond = (tick: () => void) => {
  const timer = setInterval(tick, 250);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * Elapsed time for humans: tenths of seconds under a minute, then minutes and seconds.
 *
 * @example
 * formatElapsed(12_340); // "12.3s"
 * formatElapsed(125_000); // "2m05s"
 */
export function formatElapsed(ms: number): string {
  const s = ms / 1000;
  // Below 59.95 s, so that rounding never shows "60.0s".
  if (s < 59.95) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/**
 * A progress line for one job. Feed it `update(done, total)` (the shape of the library's
 * `onProgress` callbacks), then call `finish()` on success or `clear()` on failure.
 *
 * @example
 * const progress = new ProgressDisplay('occlusion');
 * try { await occlusion(model, x, { onProgress: (d, t) => progress.update(d, t) }); progress.finish(); }
 * catch (e) { progress.clear(); throw e; }
 */
export class ProgressDisplay {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly delay: number;
  private readonly plainInterval: number;
  private readonly start: number;
  private readonly stopTicking: () => void;
  private done = 0;
  private total: number | undefined;
  /** When the last line was written, or undefined while nothing has shown. */
  private shownAt: number | undefined;
  private lastLine = '';
  private ended = false;

  constructor(private label: string, options: ProgressDisplayOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? Date.now;
    this.delay = options.delay ?? 1000;
    this.plainInterval = options.plainInterval ?? 10_000;
    this.start = this.now();
    this.stopTicking = (options.schedule ?? everyQuarterSecond)(() => this.draw(false));
  }

  /** Records progress (`done` may be fractional) and, optionally, what is being worked on now. */
  update(done: number, total: number, label?: string): void {
    if (this.ended) return;
    this.done = done;
    this.total = total;
    if (label !== undefined) this.label = label;
    this.draw(false);
  }

  /** Writes a line of its own above the progress line (a warning, an estimate), then redraws it. */
  note(text: string): void {
    if (this.stream.isTTY && this.shownAt !== undefined && !this.ended) this.stream.write('\r\x1b[K');
    this.stream.write(`${text}\n`);
    this.lastLine = '';
    this.draw(false);
  }

  /** Ends the display: the final state on its own line if anything was shown, else nothing. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.drawLine(true);
    if (this.shownAt !== undefined && this.stream.isTTY) this.stream.write('\n');
    this.end();
  }

  /** Ends the display and erases the line from the terminal, so an error message starts clean. */
  clear(): void {
    if (this.ended) return;
    if (this.shownAt !== undefined && this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.end();
  }

  private end(): void {
    this.ended = true;
    this.stopTicking();
  }

  /** The current line: label, done/total, percentage, elapsed time. */
  line(): string {
    const elapsed = formatElapsed(this.now() - this.start);
    if (this.total === undefined || !(this.total > 0)) return `${this.label}  ${elapsed}`;
    const fraction = Math.min(1, Math.max(0, this.done / this.total));
    // 100 % is shown only by finish(): after the last batch there is still work (joining, maps, pictures).
    const percent = this.ended ? Math.floor(fraction * 100) : Math.min(99, Math.floor(fraction * 100));
    return `${this.label}  ${Math.floor(this.done)}/${this.total}  ${percent}%  ${elapsed}`;
  }

  private draw(final: boolean): void {
    if (!this.ended) this.drawLine(final);
  }

  private drawLine(final: boolean): void {
    const t = this.now();
    if (this.shownAt === undefined && t - this.start < this.delay) return;
    let text = this.line();
    if (this.stream.isTTY && this.stream.columns && text.length >= this.stream.columns) text = text.slice(0, this.stream.columns - 1);
    if (text === this.lastLine) return;
    if (this.stream.isTTY) {
      this.stream.write(`\r${text}\x1b[K`);
    } else {
      const due = this.shownAt === undefined || t - this.shownAt >= this.plainInterval;
      if (!final && !due) return;
      this.stream.write(`${text}\n`);
    }
    this.lastLine = text;
    this.shownAt = t;
  }
}

/**
 * Runs `job` with a progress display fed by its `onProgress` callback, finished on success
 * and cleared on failure.
 *
 * @example
 * const result = await withProgress('scorecam', (onProgress) => method.run(model, x, { ...options, onProgress }));
 */
export async function withProgress<T>(label: string, job: (onProgress: (done: number, total: number) => void) => Promise<T>, options?: ProgressDisplayOptions): Promise<T> {
  const progress = new ProgressDisplay(label, options);
  try {
    const result = await job((done, total) => progress.update(done, total));
    progress.finish();
    return result;
  } catch (e) {
    progress.clear();
    throw e;
  }
}
