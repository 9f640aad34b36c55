/**
 * Writes small CNNs as ONNX graphs the way PyTorch's TorchScript exporter names them
 * (`/features/features.0/Conv`, parameters `features.0.weight`), so convlens resolves their
 * module paths (`features.3`, `fc`) exactly as for an exported PyTorch model.
 */
import { seededNormal } from '../numeric/seeded-random.js';
import { float32Tensor } from '../onnx/tensor.js';
import { DataType, type Attribute, type Dim, type Model, type OnnxNode, type Tensor } from '../onnx/types.js';

const ints = (value: number[]): Attribute => ({ kind: 'ints', value });
const int = (value: number): Attribute => ({ kind: 'int', value });
const float = (value: number): Attribute => ({ kind: 'float', value });

/** The opset every convlens-built network uses. */
export const TRAIN_OPSET = 17;

/**
 * Accumulates the nodes and seeded weights of a feed-forward CNN, layer by layer.
 *
 * @example
 * const w = new NetworkWriter(0);
 * const x = w.maxPool('features.2', w.relu('features.1', w.conv('features.0', 'input', 3, 8)));
 * w.linear('fc', w.globalPoolFlatten('avgpool', x), 8, 2, 'logits');
 * const model = w.toModel('net', ['batch', 3, 32, 32], { name: 'logits', size: 2 });
 */
export class NetworkWriter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, Tensor>();
  private readonly normal: () => number;

  /** @param seed seeds every weight the writer draws, in the order layers are added */
  constructor(seed: number) {
    this.normal = seededNormal(seed);
  }

  /** `size` values drawn from N(0, std²); std 0 gives zeros (biases). */
  private draw(size: number, std: number): Float32Array {
    const data = new Float32Array(size);
    if (std > 0) for (let i = 0; i < size; i++) data[i] = this.normal() * std;
    return data;
  }

  private param(name: string, dims: number[], data: Float32Array): string {
    this.initializers.set(name, float32Tensor(name, dims, data));
    return name;
  }

  private node(scope: string, opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, output = `${scope}/${opType}_output_0`): string {
    this.nodes.push({ name: `${scope}/${opType}`, opType, domain: '', inputs, outputs: [output], attributes, metadata: {} });
    return output;
  }

  /**
   * A `k`×`k` convolution with "same" padding, He-initialized (std √(2 / fan-in)) because a
   * ReLU follows it, with a zero bias. `module` is the PyTorch module path (`features.0`).
   *
   * Each filter starts with zero mean. Everything a filter of these networks sees is
   * non-negative (pixels in [0, 1], ReLU outputs), so a filter whose weights happen to sum
   * high answers mostly to brightness, and one that sums below zero starts dead. Centred
   * filters start as contrast detectors, which shortens the loss plateau at the start of
   * training (measured on the demo's tank set from about 8 epochs to 2, on its shapes from 7 to 3).
   */
  conv(module: string, x: string, cin: number, cout: number, k = 3): string {
    const fanIn = cin * k * k;
    const weights = this.draw(cout * fanIn, Math.sqrt(2 / fanIn));
    for (let o = 0; o < cout; o++) {
      const filter = weights.subarray(o * fanIn, (o + 1) * fanIn);
      const mean = filter.reduce((a, v) => a + v, 0) / fanIn;
      for (let i = 0; i < fanIn; i++) filter[i] -= mean;
    }
    const w = this.param(`${module}.weight`, [cout, cin, k, k], weights);
    const b = this.param(`${module}.bias`, [cout], this.draw(cout, 0));
    const p = Math.floor(k / 2);
    return this.node(scopeOf(module), 'Conv', [x, w, b], {
      dilations: ints([1, 1]), group: int(1), kernel_shape: ints([k, k]), pads: ints([p, p, p, p]), strides: ints([1, 1]),
    });
  }

  relu(module: string, x: string): string {
    return this.node(scopeOf(module), 'Relu', [x]);
  }

  /** Non-overlapping 2×2 max pooling, which halves the resolution (floor, as PyTorch). */
  maxPool(module: string, x: string): string {
    return this.node(scopeOf(module), 'MaxPool', [x], {
      ceil_mode: int(0), dilations: ints([1, 1]), kernel_shape: ints([2, 2]), pads: ints([0, 0, 0, 0]), strides: ints([2, 2]),
    });
  }

  /** `nn.AdaptiveAvgPool2d(1)` then `torch.flatten(x, 1)`: [N, C, H, W] to [N, C]. */
  globalPoolFlatten(module: string, x: string): string {
    return this.flatten(this.node(scopeOf(module), 'GlobalAveragePool', [x]));
  }

  /** `torch.flatten(x, 1)` in the forward function (no module): [N, C, H, W] to [N, C·H·W]. */
  flatten(x: string): string {
    return this.node('', 'Flatten', [x], { axis: int(1) });
  }

  /**
   * `nn.Linear`: a Gemm with the weight transposed as PyTorch stores it, LeCun-initialized
   * (std √(1 / fan-in)) because no ReLU follows, zero bias; its output gets the name `output`.
   */
  linear(module: string, x: string, cin: number, cout: number, output: string): string {
    const w = this.param(`${module}.weight`, [cout, cin], this.draw(cout * cin, Math.sqrt(1 / cin)));
    const b = this.param(`${module}.bias`, [cout], this.draw(cout, 0));
    return this.node(scopeOf(module), 'Gemm', [x, w, b], { alpha: float(1), beta: float(1), transB: int(1) }, output);
  }

  /** The finished model: one float input `input` [batch, C, H, W] with a symbolic batch. */
  toModel(name: string, input: Dim[], output: { name: string; size: number }): Model {
    return {
      irVersion: 8,
      opsets: [{ domain: '', version: TRAIN_OPSET }],
      producerName: 'convlens',
      producerVersion: '1',
      graph: {
        name,
        nodes: this.nodes,
        inputs: [{ name: 'input', elemType: DataType.FLOAT, shape: input }],
        outputs: [{ name: output.name, elemType: DataType.FLOAT, shape: ['batch', output.size] }],
        initializers: this.initializers,
        valueInfo: [],
      },
      metadata: {},
      functions: [],
    };
  }
}

/**
 * The TorchScript exporter's scope for a module path: one part per nesting level, each the
 * name qualified from its last named atom (`features.0` → `/features/features.0`,
 * `layer4.1.conv1` → `/layer4/layer4.1/conv1`).
 */
function scopeOf(module: string): string {
  const atoms = module.split('.');
  let named = 0;
  return atoms.map((atom, i) => {
    // A numeric atom indexes a container: its part is qualified from the container's name on.
    if (!/^\d+$/.test(atom)) named = i;
    return `/${atoms.slice(named, i + 1).join('.')}`;
  }).join('');
}
