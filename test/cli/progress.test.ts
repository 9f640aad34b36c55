import { describe, expect, it } from 'vitest';
import { formatElapsed, ProgressDisplay, withProgress, type ProgressDisplayOptions } from '../../src/cli/progress.js';

/** A fake stderr, clock and ticker: time moves only when the test says so. */
function harness(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  let t = 50_000;
  let tick: (() => void) | undefined;
  let stopped = false;
  const options: ProgressDisplayOptions = {
    stream: { write: (s: string) => writes.push(s), isTTY, columns },
    now: () => t,
    schedule: (fn) => { tick = fn; return () => { stopped = true; }; },
  };
  return {
    options, writes,
    /** Advances the clock and lets the ticker fire, as the real 250 ms interval would. */
    advance(ms: number) { t += ms; tick?.(); },
    get stopped() { return stopped; },
  };
}

describe('ProgressDisplay on a terminal', () => {
  it('shows nothing before 1 s, then redraws one line in place, and ends it with a newline', () => {
    const h = harness(true);
    const p = new ProgressDisplay('scorecam', h.options);
    p.update(1, 8);
    h.advance(999);
    p.update(2, 8);
    expect(h.writes).toEqual([]);
    h.advance(1);
    expect(h.writes).toEqual(['\rscorecam  2/8  25%  1.0s\x1b[K']);
    p.update(5, 8, 'scorecam layer4');
    h.advance(1500);
    expect(h.writes.slice(1)).toEqual(['\rscorecam layer4  5/8  62%  1.0s\x1b[K', '\rscorecam layer4  5/8  62%  2.5s\x1b[K']);
    // Nothing changed on screen: no redraw.
    h.advance(10);
    expect(h.writes).toHaveLength(3);
    p.update(8, 8);
    // Every batch is done but the job is not: the work after the last batch still shows as running.
    h.advance(3000);
    expect(h.writes.slice(3)).toEqual(['\rscorecam layer4  8/8  99%  2.5s\x1b[K', '\rscorecam layer4  8/8  99%  5.5s\x1b[K']);
    p.finish();
    expect(h.writes.slice(5)).toEqual(['\rscorecam layer4  8/8  100%  5.5s\x1b[K', '\n']);
    expect(h.stopped).toBe(true);
    p.update(9, 8);
    h.advance(5000);
    expect(h.writes).toHaveLength(7);
  });

  it('erases its line on clear, so an error message starts at the left margin', () => {
    const h = harness(true);
    const p = new ProgressDisplay('occlusion', h.options);
    h.advance(1200);
    expect(h.writes).toEqual(['\rocclusion  1.2s\x1b[K']);
    p.clear();
    expect(h.writes).toEqual(['\rocclusion  1.2s\x1b[K', '\r\x1b[K']);
    expect(h.stopped).toBe(true);
  });

  it('cuts lines to the terminal width, since a wrapped line cannot be redrawn', () => {
    const h = harness(true, 12);
    const p = new ProgressDisplay('a very long label', h.options);
    p.update(3, 10);
    h.advance(1000);
    expect(h.writes).toEqual(['\ra very long\x1b[K']);
  });

  it('writes nothing at all for a job done within a second', () => {
    for (const tty of [true, false]) {
      const h = harness(tty);
      const p = new ProgressDisplay('quick', h.options);
      p.update(1, 2);
      h.advance(900);
      p.update(2, 2);
      p.finish();
      expect(h.writes).toEqual([]);
      expect(h.stopped).toBe(true);
    }
  });
});

describe('ProgressDisplay without a terminal', () => {
  it('prints a plain line after 1 s, then at most one per interval, and a final line', () => {
    const h = harness(false);
    const p = new ProgressDisplay('report', { ...h.options, plainInterval: 5000 });
    p.update(0, 20);
    h.advance(500);
    expect(h.writes).toEqual([]);
    h.advance(600);
    p.update(3, 20);
    expect(h.writes).toEqual(['report  0/20  0%  1.1s\n']);
    for (let i = 0; i < 19; i++) h.advance(250);
    expect(h.writes).toHaveLength(1);
    h.advance(250);
    expect(h.writes).toEqual(['report  0/20  0%  1.1s\n', 'report  3/20  15%  6.1s\n']);
    p.update(20, 20);
    p.finish();
    expect(h.writes).toEqual(['report  0/20  0%  1.1s\n', 'report  3/20  15%  6.1s\n', 'report  20/20  100%  6.1s\n']);
    expect(h.writes.join('')).not.toMatch(/\r|\x1b/);
  });

  it('prints just the final line for a job that outlived the delay between two updates', () => {
    const h = harness(false);
    const p = new ProgressDisplay('ig', { ...h.options, schedule: () => () => undefined });
    p.update(1, 4);
    h.advance(3000);
    p.finish();
    expect(h.writes).toEqual(['ig  1/4  25%  3.0s\n']);
  });
});

describe('withProgress', () => {
  it('feeds the job\'s onProgress into the display and finishes it', async () => {
    const h = harness(false);
    const result = await withProgress('smoothgrad', async (onProgress) => {
      onProgress(1, 3);
      h.advance(2000);
      onProgress(2.5, 3);
      return 'done';
    }, h.options);
    expect(result).toBe('done');
    expect(h.writes).toEqual(['smoothgrad  1/3  33%  2.0s\n', 'smoothgrad  2/3  83%  2.0s\n']);
    expect(h.stopped).toBe(true);
  });

  it('clears the display and rethrows when the job fails', async () => {
    const h = harness(true);
    const failure = new Error('boom');
    await expect(withProgress('gradcam', async (onProgress) => {
      onProgress(1, 2);
      h.advance(1000);
      throw failure;
    }, h.options)).rejects.toBe(failure);
    expect(h.writes).toEqual(['\rgradcam  1/2  50%  1.0s\x1b[K', '\r\x1b[K']);
    expect(h.stopped).toBe(true);
  });

  it('formats elapsed time in seconds, then minutes', () => {
    expect([formatElapsed(0), formatElapsed(12_340), formatElapsed(59_949), formatElapsed(59_960), formatElapsed(125_000)]).toEqual(['0.0s', '12.3s', '59.9s', '1m00s', '2m05s']);
  });
});

describe('ProgressDisplay notes', () => {
  it('writes a note on its own line and redraws the progress line under it', () => {
    const h = harness(true);
    const p = new ProgressDisplay('report', h.options);
    p.update(1, 4);
    h.advance(1000);
    p.note('scorecam: about 2049 forward passes per image');
    expect(h.writes).toEqual([
      '\rreport  1/4  25%  1.0s\x1b[K', '\r\x1b[K', 'scorecam: about 2049 forward passes per image\n', '\rreport  1/4  25%  1.0s\x1b[K',
    ]);
  });
});
