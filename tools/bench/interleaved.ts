/**
 * Ratios of cases against a reference run measured in interleaved rounds: load from other
 * processes comes and goes in phases of seconds, so a case compared with the reference of its
 * own round sees about the same load.
 */
import { median, timeMs } from './timing.js';

export interface Case {
  name: string;
  /** Largest acceptable time as a multiple of the reference. */
  target?: number;
  run: () => Promise<unknown>;
}

export interface CaseRow {
  case: string;
  'first call ms': number;
  'median ms': number;
  'min ms': number;
  'x reference': number;
  target: string;
  met: string;
}

/** Times `reference` and every case: one compiling call, one settling call, then `reps` rounds. */
export async function interleaved(reference: Case, cases: Case[], reps: number): Promise<CaseRow[]> {
  const all = [reference, ...cases];
  const firstMs: number[] = [];
  for (const c of all) firstMs.push(await timeMs(c.run));
  for (const c of all) await c.run();
  const times: number[][] = all.map(() => []);
  for (let r = 0; r < reps; r++) for (const [i, c] of all.entries()) times[i].push(await timeMs(c.run));
  return all.map((c, i) => {
    const ratio = median(times[i].map((t, r) => t / times[0][r]));
    return {
      case: c.name,
      'first call ms': Math.round(firstMs[i]),
      'median ms': Math.round(median(times[i])),
      'min ms': Math.round(Math.min(...times[i])),
      'x reference': Number(ratio.toFixed(2)),
      target: c.target ? `<= ${c.target}x` : '',
      met: c.target ? (ratio <= c.target ? 'yes' : 'NO') : '',
    };
  });
}
