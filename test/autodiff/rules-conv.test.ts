import { describe, expect, it } from 'vitest';
import type { AttrInput } from '../../src/autodiff/builder.js';
import { caseGradients, checkVjp, type CaseInput } from './vjp-harness.js';

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  bias?: boolean;
  attrs?: Record<string, AttrInput>;
  opsets?: number[];
}

/** Conv attribute matrix; every case checks dX, dW (initializer) and dB against finite differences. */
const cases: ConvCase[] = [
  { name: 'stride 1, dilation 2, asymmetric pads (input gradient as Conv)', x: [2, 3, 7, 6], w: [4, 3, 3, 2], bias: true, attrs: { dilations: [2, 2], pads: [2, 0, 1, 1] }, opsets: [13, 17] },
  { name: 'stride 1, SAME_UPPER with an even kernel', x: [1, 2, 6, 5], w: [3, 2, 4, 2], attrs: { auto_pad: 'SAME_UPPER' } },
  { name: '1-D stride 1 VALID', x: [2, 2, 9], w: [3, 2, 4], attrs: { auto_pad: 'VALID' } },
  { name: '3x3 pads 1 with bias', x: [1, 2, 5, 6], w: [3, 2, 3, 3], bias: true, attrs: { pads: [1, 1, 1, 1] }, opsets: [11, 13, 18] },
  { name: 'asymmetric pads, stride 2 with leftover rows', x: [1, 2, 8, 7], w: [2, 2, 3, 2], bias: true, attrs: { pads: [0, 2, 1, 0], strides: [2, 2] } },
  { name: 'stride 3 leaving two rows unread', x: [1, 1, 10, 8], w: [2, 1, 2, 2], attrs: { strides: [3, 3] } },
  { name: 'dilation 2 with stride 2 and pads', x: [1, 2, 9, 8], w: [2, 2, 3, 2], attrs: { dilations: [2, 2], strides: [2, 1], pads: [1, 0, 2, 1] } },
  { name: 'groups 2', x: [2, 4, 4, 5], w: [6, 2, 2, 3], bias: true, attrs: { group: 2, pads: [1, 1, 0, 1] } },
  { name: 'depthwise with multiplier 2, stride 2', x: [2, 3, 5, 5], w: [6, 1, 3, 3], attrs: { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'depthwise, dilation 2', x: [1, 4, 6, 6], w: [4, 1, 2, 2], bias: true, attrs: { group: 4, dilations: [2, 2] } },
  { name: 'auto_pad SAME_UPPER, stride 2', x: [1, 2, 6, 5], w: [2, 2, 4, 3], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } },
  { name: 'auto_pad SAME_LOWER, stride 2', x: [1, 2, 6, 5], w: [2, 2, 4, 3], attrs: { auto_pad: 'SAME_LOWER', strides: [2, 2] } },
  // onnxruntime rejects SAME padding with dilations, so no such case.
  { name: 'auto_pad SAME_LOWER, stride 3, odd padding', x: [1, 1, 7, 8], w: [2, 1, 2, 3], attrs: { auto_pad: 'SAME_LOWER', strides: [3, 3] } },
  { name: 'auto_pad SAME_UPPER, kernel 1 needing no padding', x: [1, 2, 5, 4], w: [2, 2, 1, 1], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 3] } },
  { name: 'auto_pad VALID, stride 2 with leftover', x: [1, 2, 7, 6], w: [3, 2, 2, 3], bias: true, attrs: { auto_pad: 'VALID', strides: [2, 2] } },
  { name: '1x1, stride 2 skipping a row and a column', x: [2, 3, 5, 5], w: [4, 3, 1, 1], bias: true, attrs: { strides: [2, 2] } },
  { name: '1-D, stride 2, dilation 2, asymmetric pads', x: [2, 2, 11], w: [3, 2, 3], bias: true, attrs: { strides: [2], dilations: [2], pads: [2, 1] }, opsets: [13, 18] },
  { name: '1-D, groups 2, SAME_LOWER', x: [1, 4, 9], w: [2, 2, 4], attrs: { group: 2, auto_pad: 'SAME_LOWER', strides: [2] } },
  { name: '3-D, stride 2, pads', x: [1, 2, 3, 4, 4], w: [2, 2, 2, 2, 3], bias: true, attrs: { strides: [1, 2, 2], pads: [0, 1, 1, 1, 0, 1] } },
  // Layouts of torchvision models.
  { name: 'ResNet stem: 7x7, stride 2, pads 3', x: [2, 3, 12, 10], w: [4, 3, 7, 7], attrs: { strides: [2, 2], pads: [3, 3, 3, 3] } },
  { name: '3x3, stride 2, pads 1, even input', x: [1, 3, 8, 8], w: [2, 3, 3, 3], bias: true, attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'MobileNet: depthwise 5x5, stride 2, pads 2, odd input', x: [1, 3, 9, 7], w: [3, 1, 5, 5], attrs: { group: 3, strides: [2, 2], pads: [2, 2, 2, 2] } },
  { name: 'groups 2, 2x2 kernel, stride 2, one-sided pads', x: [2, 4, 6, 7], w: [6, 2, 2, 2], attrs: { group: 2, strides: [2, 2], pads: [1, 0, 0, 1] } },
  { name: 'ResNet downsample: 1x1, groups 2, stride 2, even input', x: [2, 4, 6, 6], w: [6, 2, 1, 1], attrs: { group: 2, strides: [2, 2] } },
  { name: '1-D 1x1, stride 3 leaving a row unread', x: [1, 2, 8], w: [3, 2, 1], attrs: { strides: [3] } },
];

function inputs(c: ConvCase): Record<string, CaseInput> {
  const all: Record<string, CaseInput> = { x: { shape: c.x }, w: { shape: c.w, initializer: true } };
  if (c.bias) all.b = { shape: [c.w[0]], initializer: true };
  return all;
}

describe('Conv VJP', () => {
  for (const c of cases) {
    for (const opset of c.opsets ?? [17]) {
      it(`${c.name} (opset ${opset}) matches finite differences for x, W${c.bias ? ', B' : ''}`, async () => {
        await checkVjp({
          opset,
          inputs: inputs(c),
          nodes: [{ op: 'Conv', inputs: c.bias ? ['x', 'w', 'b'] : ['x', 'w'], attrs: c.attrs }],
        });
      });
    }
  }

  it('gradient with respect to the input only skips the weight gradient', async () => {
    const added = async (strides: number[]) => {
      const { gradModel } = await caseGradients({
        inputs: { x: { shape: [1, 2, 5, 5] }, w: { shape: [3, 2, 3, 3], initializer: true } },
        nodes: [{ op: 'Conv', inputs: ['x', 'w'], attrs: { strides } }],
        wrt: ['x'],
      });
      return gradModel.graph.nodes.filter((n) => n.name.startsWith('convlens.grad')).map((n) => n.opType);
    };
    expect(await added([2, 2])).toEqual(['ConvTranspose', 'Identity']);
    // Stride 1: a Conv by the flipped, transposed kernel.
    expect(await added([1, 1])).toEqual(['Transpose', 'Slice', 'Conv', 'Identity']);
    // A strided 1x1 kernel: a Conv whose results a depthwise 1x1 ConvTranspose by ones spreads out.
    const { gradModel: pointwise } = await caseGradients({
      inputs: { x: { shape: [1, 2, 5, 5] }, w: { shape: [3, 2, 1, 1], initializer: true } },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], attrs: { strides: [2, 2] } }],
      wrt: ['x'],
    });
    expect(pointwise.graph.nodes.filter((n) => n.name.startsWith('convlens.grad')).map((n) => n.opType))
      .toEqual(['Transpose', 'Conv', 'ConvTranspose', 'Identity']);
    // Depthwise with stride 1 too: the kernel's channel axes are swapped within each group.
    const { gradModel } = await caseGradients({
      inputs: { x: { shape: [1, 4, 5, 5] }, w: { shape: [4, 1, 3, 3], initializer: true } },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], attrs: { group: 4, pads: [1, 1, 1, 1] } }],
      wrt: ['x'],
    });
    expect(gradModel.graph.nodes.filter((n) => n.name.startsWith('convlens.grad')).map((n) => n.opType))
      .toEqual(['Reshape', 'Transpose', 'Reshape', 'Slice', 'Conv', 'Identity']);
    // Strided depthwise: gy spread out with zeros by a 1x1 ConvTranspose of ones, then a stride-1 Conv.
    const { gradModel: spread } = await caseGradients({
      inputs: { x: { shape: [1, 4, 6, 6] }, w: { shape: [4, 1, 3, 3], initializer: true } },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], attrs: { group: 4, strides: [2, 2], pads: [1, 1, 1, 1] } }],
      wrt: ['x'],
    });
    expect(spread.graph.nodes.filter((n) => n.name.startsWith('convlens.grad')).map((n) => n.opType))
      .toEqual(['Reshape', 'Transpose', 'Reshape', 'Slice', 'ConvTranspose', 'Conv', 'Identity']);
  });
});
