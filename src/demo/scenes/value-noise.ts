/**
 * Smooth random fields for natural textures (grass, clouds, noisy backgrounds): value noise,
 * random values on a coarse lattice blended with a smoothstep, summed over a few octaves.
 */
import type { SceneRandom } from './scene-random.js';

/**
 * A smooth random function on the unit square with values in [0, 1]. `cells` sets the
 * coarsest feature size (cells per side); each further octave halves it at half the weight.
 *
 * @example
 * const grass = valueNoise(rng, 4, 3);
 * const t = grass(x / width, y / height); // 0..1
 */
export function valueNoise(rng: SceneRandom, cells: number, octaves = 1): (u: number, v: number) => number {
  const layers: ((u: number, v: number) => number)[] = [];
  let weightSum = 0;
  for (let o = 0; o < octaves; o++) {
    layers.push(lattice(rng, cells * 2 ** o));
    weightSum += 0.5 ** o;
  }
  return (u, v) => {
    let sum = 0;
    for (let o = 0; o < layers.length; o++) sum += layers[o](u, v) * 0.5 ** o;
    return sum / weightSum;
  };
}

function lattice(rng: SceneRandom, cells: number): (u: number, v: number) => number {
  const n = cells + 1;
  const values = Float32Array.from({ length: n * n }, () => rng.next());
  return (u, v) => {
    const x = Math.min(Math.max(u, 0), 1) * cells;
    const y = Math.min(Math.max(v, 0), 1) * cells;
    const x0 = Math.min(Math.floor(x), cells - 1);
    const y0 = Math.min(Math.floor(y), cells - 1);
    const tx = smoothstep(x - x0);
    const ty = smoothstep(y - y0);
    const i = y0 * n + x0;
    const top = values[i] + (values[i + 1] - values[i]) * tx;
    const bottom = values[i + n] + (values[i + n + 1] - values[i + n]) * tx;
    return top + (bottom - top) * ty;
  };
}

function smoothstep(t: number): number {
  return t * t * (3 - 2 * t);
}
