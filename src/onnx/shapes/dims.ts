/** Arithmetic on concrete dimension lists. */

export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Row-major strides, so flat indices of folded values can be computed from coordinates. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Numpy-style multidirectional broadcasting; returns an explanation instead of a shape
 * when the dims clash, so the caller can name the node in its error.
 */
export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] | string {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim !== 1 && dim !== d) {
        return `shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(' and ')} do not broadcast (dimension ${d} vs ${dim})`;
      }
      dim = d;
    }
    out[i] = dim;
  }
  return out;
}

export function formatDims(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}
