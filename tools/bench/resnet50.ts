/**
 * A full-width torchvision ResNet-50 (v1.5) with random weights, built as the PyTorch
 * TorchScript exporter would write it (BatchNorm folded into the convolutions, scoped node
 * names), so the benchmark needs no PyTorch and no downloaded weights.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededNormal } from '../../src/methods/seeded-random.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { float32Tensor } from '../../src/onnx/tensor.js';
import { DataType, type Attribute, type Model, type OnnxNode, type Tensor } from '../../src/onnx/types.js';

const ints = (value: number[]): Attribute => ({ kind: 'ints', value });
const int = (value: number): Attribute => ({ kind: 'int', value });

/** Blocks per stage and bottleneck widths of ResNet-50; block outputs are 4x wider. */
const STAGES = [[3, 64], [4, 128], [6, 256], [3, 512]] as const;
const EXPANSION = 4;
/**
 * Scale of the last conv of each residual branch, as a trained net's small BatchNorm gammas
 * there: with plain He init every residual Add doubles the variance, 2^16 over 16 blocks.
 */
const BRANCH_GAIN = 0.25;

class ResNetWriter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, Tensor>();
  // Folded weights get the exporter's `onnx::Conv_<n>` names; the numbers mean nothing.
  private constId = 300;
  private readonly normal: () => number;

  constructor(seed: number) {
    this.normal = seededNormal(seed);
  }

  private param(name: string, dims: number[], std: number): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = this.normal() * std;
    this.initializers.set(name, float32Tensor(name, dims, data));
    return name;
  }

  private node(name: string, opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, output = `${name}_output_0`): string {
    this.nodes.push({ name, opType, domain: '', inputs, outputs: [output], attributes, metadata: {} });
    return output;
  }

  /** Conv with BatchNorm folded in: He-initialized weight (times `gain`) and a small bias. */
  conv(scope: string, x: string, cin: number, cout: number, k: number, stride: number, gain = 1): string {
    const w = this.param(`onnx::Conv_${this.constId++}`, [cout, cin, k, k], gain * Math.sqrt(2 / (cin * k * k)));
    const b = this.param(`onnx::Conv_${this.constId++}`, [cout], 0.01);
    const p = Math.floor(k / 2);
    return this.node(`${scope}/Conv`, 'Conv', [x, w, b], {
      dilations: ints([1, 1]), group: int(1), kernel_shape: ints([k, k]), pads: ints([p, p, p, p]), strides: ints([stride, stride]),
    });
  }

  maxPool(x: string): string {
    return this.node('/maxpool/MaxPool', 'MaxPool', [x], {
      ceil_mode: int(0), dilations: ints([1, 1]), kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), strides: ints([2, 2]),
    });
  }

  relu(scope: string, x: string): string {
    return this.node(`${scope}/Relu`, 'Relu', [x]);
  }

  /** torchvision Bottleneck: 1x1, 3x3 (carrying the stride), 1x1, shortcut, Add, ReLU. */
  bottleneck(scope: string, x: string, cin: number, width: number, stride: number): string {
    const cout = width * EXPANSION;
    let y = this.relu(`${scope}/relu`, this.conv(`${scope}/conv1`, x, cin, width, 1, 1));
    y = this.relu(`${scope}/relu_1`, this.conv(`${scope}/conv2`, y, width, width, 3, stride));
    y = this.conv(`${scope}/conv3`, y, width, cout, 1, 1, BRANCH_GAIN);
    const shortcut = stride !== 1 || cin !== cout ? this.conv(`${scope}/downsample/downsample.0`, x, cin, cout, 1, stride) : x;
    return this.relu(`${scope}/relu_2`, this.node(`${scope}/Add`, 'Add', [y, shortcut]));
  }

  head(x: string, cin: number, classes: number): string {
    const pooled = this.node('/avgpool/GlobalAveragePool', 'GlobalAveragePool', [x]);
    const flat = this.node('/Flatten', 'Flatten', [pooled], { axis: int(1) });
    const w = this.param('fc.weight', [classes, cin], Math.sqrt(1 / cin));
    const b = this.param('fc.bias', [classes], 0.01);
    return this.node('/fc/Gemm', 'Gemm', [flat, w, b], { alpha: { kind: 'float', value: 1 }, beta: { kind: 'float', value: 1 }, transB: int(1) }, 'logits');
  }
}

/**
 * ResNet-50 for `[batch, 3, size, size]` inputs (batch symbolic), opset 17, output `logits`.
 *
 * @example
 * const model = buildResNet50({ size: 224, seed: 0 });
 * model.graph.nodes.at(-1)!.name; // '/fc/Gemm'
 */
export function buildResNet50({ size = 224, seed = 0, classes = 1000 } = {}): Model {
  const w = new ResNetWriter(seed);
  let x = w.maxPool(w.relu('/relu', w.conv('/conv1', 'input', 3, 64, 7, 2)));
  let channels = 64;
  STAGES.forEach(([blocks, width], s) => {
    const layer = `layer${s + 1}`;
    for (let i = 0; i < blocks; i++) {
      x = w.bottleneck(`/${layer}/${layer}.${i}`, x, channels, width, i === 0 && s > 0 ? 2 : 1);
      channels = width * EXPANSION;
    }
  });
  const logits = w.head(x, channels, classes);
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producerName: 'convlens-bench',
    producerVersion: '1',
    graph: {
      name: 'main_graph',
      nodes: w.nodes,
      inputs: [{ name: 'input', elemType: DataType.FLOAT, shape: ['batch', 3, size, size] }],
      outputs: [{ name: logits, elemType: DataType.FLOAT, shape: ['batch', classes] }],
      initializers: w.initializers,
      valueInfo: [],
    },
    metadata: {},
    functions: [],
  };
}

/**
 * Bytes of the benchmark ResNet-50 at `size`, cached under `.cache/bench/` (outside git):
 * generating and encoding 25M random weights takes seconds, reading them back does not.
 */
export async function resNet50Bytes(size = 224): Promise<{ bytes: Uint8Array; path: string; built: boolean }> {
  const path = fileURLToPath(new URL(`../../.cache/bench/resnet50${size === 224 ? '' : `-${size}`}.onnx`, import.meta.url));
  if (existsSync(path)) return { bytes: await readFile(path), path, built: false };
  const bytes = encodeModel(buildResNet50({ size }));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return { bytes, path, built: true };
}
