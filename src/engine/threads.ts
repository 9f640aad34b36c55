/** Thread counts for the runtimes' CPU kernels. */
import { ConvlensError } from '../errors.js';

/**
 * `threads` when it is a usable thread count, else `BAD_OPTION`; `fallback` when it is left out.
 *
 * @example
 * threadCount(undefined, 8); // 8
 * threadCount(0, 8);         // throws BAD_OPTION
 */
export function threadCount(threads: number | undefined, fallback: number): number {
  if (threads === undefined) return fallback;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ConvlensError('BAD_OPTION', `threads must be a whole number of at least 1; got ${String(threads)}. Leave it out to use every core.`);
  }
  return threads;
}
