import { describe, expect, it } from 'vitest';
import type { AttrInput } from '../../src/autodiff/builder.js';
import { caseGradients, checkVjp, rng } from './vjp-harness.js';

/** Distinct values at least 0.013 apart, shuffled, so that a finite-difference step of 4e-3 never changes a window's maximum. */
function distinct(n: number, seed: number): number[] {
  const next = rng(seed);
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.013);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [v[i], v[j]] = [v[j], v[i]];
  }
  return v;
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

interface PoolCase { name: string; x: number[]; attrs: Record<string, AttrInput>; opsets?: number[] }

const maxCases: PoolCase[] = [
  { name: '3x3 stride 2 pads 1 (ResNet stem)', x: [1, 2, 6, 7], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, opsets: [11, 13, 18] },
  { name: 'ceil_mode with asymmetric pads', x: [1, 2, 6, 7], attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [0, 1, 1, 0], ceil_mode: 1 }, opsets: [13, 17] },
  { name: 'dilation 2, pads 1, overlapping windows', x: [2, 1, 7, 6], attrs: { kernel_shape: [2, 3], dilations: [2, 2], pads: [1, 1, 1, 1] } },
  { name: '2x2 stride 2 with leftover rows', x: [1, 3, 5, 5], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
  { name: 'kernel larger than stride, stride 1', x: [1, 2, 5, 6], attrs: { kernel_shape: [3, 2], strides: [1, 1] } },
  { name: 'auto_pad SAME_UPPER stride 2', x: [1, 2, 6, 5], attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' } },
  { name: 'auto_pad SAME_LOWER stride 2', x: [1, 2, 5, 6], attrs: { kernel_shape: [2, 3], strides: [2, 2], auto_pad: 'SAME_LOWER' } },
  { name: 'auto_pad SAME_UPPER with dilation', x: [1, 1, 7, 8], attrs: { kernel_shape: [2, 3], dilations: [2, 2], auto_pad: 'SAME_UPPER' } },
  { name: 'auto_pad VALID stride 3', x: [1, 2, 7, 6], attrs: { kernel_shape: [2, 2], strides: [3, 3], auto_pad: 'VALID' } },
  { name: '1-D stride 2 pads with ceil_mode', x: [2, 3, 10], attrs: { kernel_shape: [3], strides: [2], pads: [1, 0], ceil_mode: 1 } },
  { name: '3-D', x: [1, 2, 3, 4, 4], attrs: { kernel_shape: [2, 2, 2], strides: [1, 2, 2], pads: [0, 1, 0, 1, 0, 1] } },
];

const averageCases: PoolCase[] = [
  { name: '3x3 stride 2 pads 1, count_include_pad 0', x: [1, 2, 6, 7], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, opsets: [11, 13, 18] },
  { name: '3x3 stride 2 pads 1, count_include_pad 1', x: [1, 2, 6, 7], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }, opsets: [13, 18] },
  { name: 'ceil_mode, asymmetric pads, count_include_pad 1', x: [1, 2, 6, 7], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 0, 1], ceil_mode: 1, count_include_pad: 1 } },
  { name: 'ceil_mode, asymmetric pads, count_include_pad 0', x: [1, 2, 6, 7], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 0, 1], ceil_mode: 1 } },
  { name: 'ceil_mode without pads (partial last window)', x: [1, 2, 7, 6], attrs: { kernel_shape: [2, 3], strides: [2, 2], ceil_mode: 1 } },
  { name: '2x2 stride 2 with leftover rows', x: [1, 3, 5, 5], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
  { name: 'overlapping 3x3 stride 1, VALID', x: [1, 2, 5, 6], attrs: { kernel_shape: [3, 3], auto_pad: 'VALID' } },
  { name: 'auto_pad SAME_UPPER, count_include_pad 1', x: [1, 2, 6, 5], attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER', count_include_pad: 1 } },
  { name: 'auto_pad SAME_LOWER, kernel 4', x: [1, 2, 6, 5], attrs: { kernel_shape: [4, 2], strides: [1, 2], auto_pad: 'SAME_LOWER' } },
  { name: '1-D pads 2/1, count_include_pad 1', x: [2, 2, 9], attrs: { kernel_shape: [3], pads: [2, 1], count_include_pad: 1 } },
  { name: '3-D', x: [1, 2, 3, 4, 5], attrs: { kernel_shape: [2, 2, 3], strides: [1, 2, 2], pads: [0, 1, 1, 1, 0, 1] } },
];

/** Both gradient forms: ArgMax over the gathered windows (any provider), and MaxPool's Indices (CPU kernels, opset 16 on). */
const forms = [{ name: 'windows', maxPoolIndices: false }, { name: 'Indices', maxPoolIndices: true }];

describe('MaxPool VJP', () => {
  for (const { name: form, maxPoolIndices } of forms) {
    describe(`by ${form}`, () => {
      for (const c of maxCases) {
        for (const opset of maxPoolIndices ? [18] : c.opsets ?? [17]) {
          it(`${c.name} (opset ${opset}) matches finite differences`, async () => {
            await checkVjp({ opset, maxPoolIndices, inputs: { x: { shape: c.x, values: distinct(count(c.x), 3) } }, nodes: [{ op: 'MaxPool', inputs: ['x'], attrs: c.attrs }], eps: 4e-3 });
          });
        }
      }

      it('with the Indices output present (column-major storage_order) matches finite differences', async () => {
        await checkVjp({
          maxPoolIndices,
          inputs: { x: { shape: [1, 2, 6, 6], values: distinct(72, 5) } },
          nodes: [{ op: 'MaxPool', inputs: ['x'], outputs: ['y', 'idx'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], storage_order: 1 } }],
          output: 'y', eps: 4e-3,
        });
      });

      it('sends the gradient of tied windows to the first maximum in row-major order', async () => {
        // Every cell equal: each window's first cell (the padding never wins) takes the whole gradient.
        const seed = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        const { gradients } = await caseGradients({
          maxPoolIndices,
          inputs: { x: { shape: [1, 1, 3, 3], values: new Array<number>(9).fill(0.5) } },
          nodes: [{ op: 'MaxPool', inputs: ['x'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } }],
        }, seed);
        // Window (i, j) covers rows i-1..i+1 and columns j-1..j+1; its first real cell is (max(i-1, 0), max(j-1, 0)).
        expect(Array.from(gradients.x)).toEqual([1 + 2 + 4 + 5, 3 + 6, 0, 7 + 8, 9, 0, 0, 0, 0]);
      });

      it('matches a first-maximum reference on inputs full of ties, over batch and channels', async () => {
        const [n, ch, h, w, k, s, p] = [2, 3, 7, 6, 3, 2, 1];
        const next = rng(11);
        const x = Array.from({ length: n * ch * h * w }, () => Math.floor(next() * 3));
        const oh = Math.floor((h + 2 * p - k) / s) + 1;
        const ow = Math.floor((w + 2 * p - k) / s) + 1;
        const seed = Array.from({ length: n * ch * oh * ow }, (_, i) => i + 1);
        const { gradients, gradModel } = await caseGradients({
          opset: maxPoolIndices ? 18 : 13,
          maxPoolIndices,
          inputs: { x: { shape: [n, ch, h, w], values: x } },
          nodes: [{ op: 'MaxPool', inputs: ['x'], attrs: { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p] } }],
        }, seed);
        expect(gradModel.graph.nodes.some((node) => node.opType === 'ScatterElements')).toBe(maxPoolIndices);
        const expected = new Array<number>(x.length).fill(0);
        for (let c = 0; c < n * ch; c++) {
          for (let i = 0; i < oh; i++) {
            for (let j = 0; j < ow; j++) {
              let best = -1;
              for (let a = 0; a < k; a++) {
                for (let b = 0; b < k; b++) {
                  const [r, q] = [i * s - p + a, j * s - p + b];
                  if (r < 0 || q < 0 || r >= h || q >= w) continue;
                  const at = c * h * w + r * w + q;
                  if (best < 0 || x[at] > x[best]) best = at;
                }
              }
              expected[best] += seed[c * oh * ow + i * ow + j];
            }
          }
        }
        expect(Array.from(gradients.x)).toEqual(expected);
      });
    });
  }

  it('keeps the windows form below opset 16, where ScatterElements cannot add', async () => {
    const { gradModel } = await caseGradients({
      opset: 15, maxPoolIndices: true,
      inputs: { x: { shape: [1, 1, 4, 4], values: distinct(16, 2) } },
      nodes: [{ op: 'MaxPool', inputs: ['x'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }],
    });
    expect(gradModel.graph.nodes.map((node) => node.opType)).not.toContain('ScatterElements');
  });
});

describe('AveragePool VJP', () => {
  for (const c of averageCases) {
    for (const opset of c.opsets ?? [17]) {
      it(`${c.name} (opset ${opset}) matches finite differences`, async () => {
        await checkVjp({ opset, inputs: { x: { shape: c.x } }, nodes: [{ op: 'AveragePool', inputs: ['x'], attrs: c.attrs }] });
      });
    }
  }
});

describe('global pooling VJP', () => {
  for (const opset of [13, 18]) {
    it(`GlobalAveragePool (opset ${opset}) matches finite differences`, async () => {
      await checkVjp({ opset, inputs: { x: { shape: [2, 3, 3, 5] } }, nodes: [{ op: 'GlobalAveragePool', inputs: ['x'] }] });
    });
    it(`GlobalMaxPool (opset ${opset}) matches finite differences`, async () => {
      await checkVjp({ opset, inputs: { x: { shape: [2, 2, 4, 5], values: distinct(80, 9) } }, nodes: [{ op: 'GlobalMaxPool', inputs: ['x'] }], eps: 4e-3 });
    });
  }

  it('GlobalMaxPool sends a tie to the first maximum', async () => {
    const { gradients } = await caseGradients({
      inputs: { x: { shape: [1, 2, 2, 2], values: [0, 3, 3, 1, 2, 2, 2, 2] } },
      nodes: [{ op: 'GlobalMaxPool', inputs: ['x'] }],
    }, [5, 7]);
    expect(Array.from(gradients.x)).toEqual([0, 5, 0, 0, 7, 0, 0, 0]);
  });
});
