/**
 * The random source of the scene generators: a thin layer of conveniences (ranges, picks,
 * forks) over the project's seeded integer stream, so every scene is reproducible byte for
 * byte from one integer seed, in Node and in browsers alike.
 */
import { ConvlensError } from '../../errors.js';
import { seededUint32 } from '../../numeric/seeded-random.js';

/**
 * Seeded uniform numbers with the helpers scene code needs.
 *
 * @example
 * const rng = new SceneRandom(42);
 * const radius = rng.range(4, 9);       // float in [4, 9)
 * const colour = rng.pick(['olive', 'brown']);
 */
export class SceneRandom {
  private readonly nextUint32: () => number;

  constructor(seed: number) {
    this.nextUint32 = seededUint32(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** A float in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A symmetric jitter in [-amount, amount). */
  jitter(amount: number): number {
    return this.range(-amount, amount);
  }

  /**
   * An independent child stream. Scene code forks one stream per layer (layout, sky,
   * object) so that switching one option (e.g. the sky) leaves every other layer identical.
   */
  fork(): SceneRandom {
    return new SceneRandom(this.nextUint32());
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** Either an integer seed or a stream to draw from (which the scene then advances). */
export type SeedOrRandom = number | SceneRandom;

/**
 * The stream a scene draws from: a fresh one for a seed, the given one otherwise.
 *
 * @example
 * const rng = sceneRandom(7); // same as new SceneRandom(7)
 */
export function sceneRandom(seed: SeedOrRandom): SceneRandom {
  return seed instanceof SceneRandom ? seed : new SceneRandom(seed);
}

/**
 * Checks a dataset's `count` and `size`, shared by every dataset builder.
 *
 * @example
 * checkDatasetSize('tankDataset', 100, 64);
 */
export function checkDatasetSize(what: string, count: number, size: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new ConvlensError('BAD_OPTION', `${what}: count must be a whole number >= 0, got ${String(count)}.`);
  }
  checkImageSize(what, size);
}

/**
 * Checks a scene's side length: scenes are square and need a few pixels to hold an object.
 *
 * @example
 * checkImageSize('tankScene', 64);
 */
export function checkImageSize(what: string, size: number): void {
  if (!Number.isInteger(size) || size < 16 || size > 1024) {
    throw new ConvlensError('BAD_OPTION', `${what}: size must be an integer from 16 to 1024 pixels, got ${String(size)}.`);
  }
}
