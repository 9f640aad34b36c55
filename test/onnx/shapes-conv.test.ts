import { describe, expect, it } from 'vitest';
import { float, GraphBuilder, int, ints, expectMatchesRuntime, str } from './shapes-harness.js';

describe('shape inference: convolutions against onnxruntime', () => {
  it('Conv: asymmetric pads, strides with leftover rows, dilation, groups', async () => {
    const g = new GraphBuilder(13);
    const x = g.input('x', [2, 6, 11, 10]);
    g.op('Conv', [x, g.weight([4, 6, 3, 3])], { pads: ints([0, 1, 2, 0]), strides: ints([2, 3]) });
    g.op('Conv', [x, g.weight([6, 2, 3, 2]), g.weight([6])], { group: int(3), dilations: ints([2, 3]) });
    g.op('Conv', [x, g.weight([6, 1, 5, 5])], { group: int(6), strides: ints([4, 4]), pads: ints([2, 2, 2, 2]) });
    g.op('Conv', [x, g.weight([3, 6, 1, 1])], { kernel_shape: ints([1, 1]), strides: ints([3, 3]) });
    await expectMatchesRuntime(g);
  });

  for (const autoPad of ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID']) {
    it(`Conv auto_pad=${autoPad} with odd and even kernels, strides and dilations`, async () => {
      const g = new GraphBuilder(11);
      const x = g.input('x', [1, 2, 9, 10]);
      for (const [k, s, d] of [[3, 1, 1], [4, 2, 1], [3, 2, 2], [2, 3, 1], [1, 4, 1], [5, 3, 2]]) {
        // onnxruntime rejects dilated convolutions with SAME padding at run time.
        if (d > 1 && autoPad.startsWith('SAME')) continue;
        g.op('Conv', [x, g.weight([3, 2, k, k])], { auto_pad: str(autoPad), strides: ints([s, s]), dilations: ints([d, d]) });
      }
      await expectMatchesRuntime(g);
    });
  }

  it('Conv in 1-D and 3-D', async () => {
    const g = new GraphBuilder(17);
    g.op('Conv', [g.input('a', [2, 3, 17]), g.weight([5, 3, 4])], { strides: ints([3]), pads: ints([1, 2]) });
    g.op('Conv', [g.input('b', [1, 2, 5, 6, 7]), g.weight([4, 2, 2, 3, 3])], { strides: ints([1, 2, 2]), auto_pad: str('SAME_UPPER') });
    await expectMatchesRuntime(g);
  });

  it('ConvTranspose: strides, pads, output_padding, dilation, groups, output_shape, auto_pad', async () => {
    const g = new GraphBuilder(13);
    const x = g.input('x', [1, 4, 5, 6]);
    g.op('ConvTranspose', [x, g.weight([4, 3, 3, 3])], { strides: ints([2, 2]), pads: ints([1, 0, 1, 2]), output_padding: ints([1, 0]) });
    g.op('ConvTranspose', [x, g.weight([4, 2, 3, 2])], { group: int(2), dilations: ints([2, 1]), strides: ints([3, 1]) });
    g.op('ConvTranspose', [x, g.weight([4, 1, 3, 3])], { strides: ints([2, 2]), output_shape: ints([10, 12]) });
    g.op('ConvTranspose', [x, g.weight([4, 1, 4, 4])], { strides: ints([2, 2]), auto_pad: str('SAME_UPPER') });
    g.op('ConvTranspose', [x, g.weight([4, 1, 3, 3])], { strides: ints([2, 3]), auto_pad: str('SAME_LOWER') });
    g.op('ConvTranspose', [x, g.weight([4, 1, 3, 3])], { strides: ints([2, 3]), auto_pad: str('VALID') });
    await expectMatchesRuntime(g);
  });

  for (const [op, opset] of [['MaxPool', 12], ['AveragePool', 19], ['LpPool', 18]] as const) {
    it(`${op}: ceil_mode with pads, strides, dilations, auto_pad`, async () => {
      const g = new GraphBuilder(opset);
      const x = g.input('x', [2, 3, 10, 7]);
      const dil = op === 'AveragePool' || op === 'LpPool' || op === 'MaxPool';
      for (const ceil of [0, 1]) {
        g.node(op, [x], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 0, 1, 2]), ceil_mode: int(ceil) });
        // The last window would start inside the end padding and is dropped in ceil mode.
        g.node(op, [g.input(`y${ceil}`, [1, 1, 5, 5])], { kernel_shape: ints([2, 2]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), ceil_mode: int(ceil) });
        g.node(op, [x], { kernel_shape: ints([2, 3]), strides: ints([3, 2]), ceil_mode: int(ceil) });
        if (dil) g.node(op, [x], { kernel_shape: ints([2, 2]), strides: ints([2, 1]), dilations: ints([2, 3]), ceil_mode: int(ceil) });
      }
      for (const autoPad of ['SAME_UPPER', 'SAME_LOWER', 'VALID']) {
        g.node(op, [x], { kernel_shape: ints([3, 2]), strides: ints([2, 3]), auto_pad: str(autoPad) });
      }
      await expectMatchesRuntime(g);
    });
  }

  it('MaxPool with its Indices output, 1-D and 3-D, and dilated SAME padding', async () => {
    const g = new GraphBuilder(12);
    const x = g.input('x', [1, 2, 9, 8]);
    const [, indices] = g.node('MaxPool', [x], { kernel_shape: ints([3, 3]), strides: ints([2, 2]) }, 2);
    expect(indices).toBeTruthy();
    g.node('MaxPool', [x], { kernel_shape: ints([3, 2]), strides: ints([2, 2]), dilations: ints([2, 2]), auto_pad: str('SAME_UPPER') });
    g.node('MaxPool', [g.input('a', [2, 3, 13])], { kernel_shape: ints([4]), strides: ints([3]), ceil_mode: int(1) });
    g.node('MaxPool', [g.input('b', [1, 1, 5, 6, 7])], { kernel_shape: ints([2, 2, 2]), strides: ints([2, 2, 2]) });
    const info = await expectMatchesRuntime(g);
    expect(info.types.get(indices)).toBe(7);
  });

  it('AveragePool count_include_pad and global pooling', async () => {
    const g = new GraphBuilder(11);
    const x = g.input('x', [2, 3, 7, 5]);
    g.op('AveragePool', [x], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), count_include_pad: int(1), ceil_mode: int(1), strides: ints([2, 2]) });
    g.op('GlobalAveragePool', [x]);
    g.op('GlobalMaxPool', [x]);
    g.op('GlobalLpPool', [x], { p: int(2) });
    g.op('GlobalAveragePool', [g.input('v', [2, 4, 3, 5, 6])]);
    await expectMatchesRuntime(g);
  });

  it('normalizations keep shapes and expose their statistics', async () => {
    const g = new GraphBuilder(18);
    const x = g.input('x', [2, 6, 5, 4]);
    g.op('BatchNormalization', [x, g.weight([6]), g.weight([6]), g.weight([6]), g.floats([1, 1, 1, 1, 1, 1])]);
    g.op('InstanceNormalization', [x, g.weight([6]), g.weight([6])]);
    g.node('LayerNormalization', [x, g.weight([5, 4]), g.weight([5, 4])], { axis: int(-2) }, 3);
    g.node('LayerNormalization', [x, g.weight([4])], {}, 3);
    g.op('GroupNormalization', [x, g.weight([3]), g.weight([3])], { num_groups: int(3) });
    g.op('LRN', [x], { size: int(3), alpha: float(1e-4), beta: float(0.75) });
    await expectMatchesRuntime(g);
  });

  it('Col2Im (opset 18)', async () => {
    const g = new GraphBuilder(18);
    g.op('Col2Im', [g.input('x', [1, 12, 16]), g.ints([5, 5]), g.ints([2, 2])], { strides: ints([1, 1]) });
    await expectMatchesRuntime(g);
  });
});
