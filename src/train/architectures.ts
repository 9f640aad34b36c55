/**
 * Small CNN architectures convlens trains itself (for the demo models), built as ONNX
 * models with seeded He-initialized weights.
 */
import { ConvlensError } from '../errors.js';
import type { Model } from '../onnx/types.js';
import { NetworkWriter } from './network-writer.js';

export interface SmallCnnOptions {
  /** Input `[height, width]`, or one number for a square. */
  inputSize: number | [number, number];
  /** Output channels of each Conv3x3-ReLU-MaxPool2 stage. Default `[16, 32, 64]`. */
  channels?: number[];
  /** Number of classes of a classifier (output `logits`). */
  classes?: number;
  /** Number of regression outputs (output `outputs`); give this or `classes`. */
  outputs?: number;
  /** Input channels. Default 3. */
  inputChannels?: number;
  /** Seeds the weights: same seed, same bytes. Default 0. */
  seed?: number;
  /**
   * Max-pool after the last stage too. Default true. False feeds the last ReLU straight to the
   * global pooling, so CAM and Grad-CAM maps keep that stage's full resolution.
   */
  finalPool?: boolean;
  /**
   * `'avgpool'` (default): global average pooling then `fc`, so CAM applies to the last stage.
   * `'flatten'`: the last stage's map flattened into `fc`, which keeps where things are (what
   * a regressor of positions needs, as the long-range perception paper's network does).
   */
  head?: 'avgpool' | 'flatten';
}

/**
 * A plain CNN: [Conv3x3 - ReLU - MaxPool2] per entry of `channels` (PyTorch
 * `nn.Sequential` named `features`; the last MaxPool optional), then global average pooling
 * (`avgpool`), flatten and one linear layer (`fc`); or, with `head: 'flatten'`, the last map
 * flattened into `fc`. The pooled head makes CAM apply directly to the last stage.
 * Opset 17, input `input` [batch, C, H, W] with a symbolic batch.
 *
 * @example
 * const model = smallCnn({ inputSize: 64, channels: [16, 32, 64], classes: 2, seed: 1 });
 * model.graph.nodes.map((n) => n.name); // ['/features/features.0/Conv', '/features/features.1/Relu', ..., '/fc/Gemm']
 * // A regressor that keeps positions, with Grad-CAM on its last conv at 12 x 12:
 * smallCnn({ inputSize: 48, channels: [12, 24, 32], finalPool: false, head: 'flatten', outputs: 8 });
 */
export function smallCnn(options: SmallCnnOptions): Model {
  const { channels = [16, 32, 64], inputChannels = 3, seed = 0, finalPool = true, head = 'avgpool' } = options;
  const [height, width] = typeof options.inputSize === 'number' ? [options.inputSize, options.inputSize] : options.inputSize;
  if ((options.classes === undefined) === (options.outputs === undefined)) {
    throw new ConvlensError('BAD_OPTION', 'smallCnn needs exactly one of `classes` (a classifier) or `outputs` (a regressor).');
  }
  const size = options.classes ?? options.outputs!;
  const counts = [height, width, size, inputChannels, ...channels];
  if (channels.length === 0 || !counts.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ConvlensError('BAD_OPTION', `smallCnn needs positive integer sizes and at least one stage, got inputSize ${String(options.inputSize)}, channels [${channels.join(', ')}], ${size} outputs.`);
  }
  if (head !== 'avgpool' && head !== 'flatten') throw new ConvlensError('BAD_OPTION', `smallCnn head must be 'avgpool' or 'flatten', got ${String(head)}.`);
  const pools = finalPool ? channels.length : channels.length - 1;
  if (Math.min(height, width) < 2 ** pools) {
    throw new ConvlensError('BAD_OPTION', `A ${height}x${width} input is too small for ${pools} pooling stages; use fewer channels entries or at least ${2 ** pools} pixels.`);
  }
  const w = new NetworkWriter(seed);
  let x = 'input';
  let cin = inputChannels;
  channels.forEach((cout, stage) => {
    x = w.conv(`features.${3 * stage}`, x, cin, cout);
    x = w.relu(`features.${3 * stage + 1}`, x);
    if (finalPool || stage < channels.length - 1) x = w.maxPool(`features.${3 * stage + 2}`, x);
    cin = cout;
  });
  const output = options.classes !== undefined ? 'logits' : 'outputs';
  // Each 2x2 pooling floors, and repeated floors of halves equal one floor of the quotient.
  const features = head === 'avgpool' ? cin : cin * Math.floor(height / 2 ** pools) * Math.floor(width / 2 ** pools);
  x = w.linear('fc', head === 'avgpool' ? w.globalPoolFlatten('avgpool', x) : w.flatten(x), features, size, output);
  return w.toModel('small_cnn', ['batch', inputChannels, height, width], { name: output, size });
}
