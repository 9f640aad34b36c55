/** Splitting batched tensors into chunks and joining the results back. */
import type { FloatTensor } from '../numeric/float-tensor.js';

const itemSize = (t: FloatTensor) => t.shape.slice(1).reduce((a, b) => a * b, 1);

/** Items [start, start + count) of `t` along dim 0, zero-padded to `size` items (`t` itself when that is all of it). */
export function sliceBatch(t: FloatTensor, start: number, count: number, size = count): FloatTensor {
  if (start === 0 && count === size && count === t.shape[0]) return t;
  const n = itemSize(t);
  const data = new Float32Array(size * n);
  data.set(t.data.subarray(start * n, (start + count) * n));
  return { data, shape: [size, ...t.shape.slice(1)] };
}

/** Concatenates chunk results along dim 0, keeping the first `counts[i]` items of each (one whole part is returned as it is). */
export function concatBatches(parts: FloatTensor[], counts: number[]): FloatTensor {
  if (parts.length === 1 && counts[0] === parts[0].shape[0]) return parts[0];
  const n = itemSize(parts[0]);
  const total = counts.reduce((a, b) => a + b, 0);
  const data = new Float32Array(total * n);
  let offset = 0;
  parts.forEach((p, i) => {
    data.set(p.data.subarray(0, counts[i] * n), offset);
    offset += counts[i] * n;
  });
  return { data, shape: [total, ...parts[0].shape.slice(1)] };
}

/** Elementwise sum of same-shaped results (weight gradients accumulate over chunks). */
export function sumBatches(parts: FloatTensor[]): FloatTensor {
  const data = new Float32Array(parts[0].data.length);
  for (const p of parts) for (let i = 0; i < data.length; i++) data[i] += p.data[i];
  return { data, shape: [...parts[0].shape] };
}

/** Chunk boundaries: `[start, count]` pairs covering `total` items. */
export function chunkRanges(total: number, chunk: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let s = 0; s < total; s += chunk) ranges.push([s, Math.min(chunk, total - s)]);
  return ranges;
}
