/**
 * How a synthesized image is parameterized: `pixels` (one value per pixel) or `fft` (a
 * scaled Fourier spectrum), each followed by colour decorrelation (three-channel images)
 * and a sigmoid to the [0, 1] pixel range. The linear part is a small ONNX graph, and its
 * adjoint the graph the gradient compiler builds from it (which needs no forward values, so
 * it holds only the transposed products); the sigmoid is applied here.
 */
import { buildGradientGraph } from '../autodiff/gradient-graph.js';
import { GraphBuilder } from '../autodiff/builder.js';
import type { Runtime } from '../engine/runtime.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { gaussianBlur } from '../image/blur.js';
import { seededNormal } from '../numeric/seeded-random.js';
import { inferShapes } from '../onnx/shapes/index.js';
import { DataType, type Model } from '../onnx/types.js';
import { valueInfo } from '../onnx/variants.js';
import { gaussianTransfer, halfWidth, heightMatrix, spectrumScale, widthMatrix } from './fourier.js';
import { GraphSession } from './graph-session.js';

export type ParamKind = 'fft' | 'pixels';

const PARAM = 'convlens.param';
const LINEAR = 'convlens.image.linear';
const SEED = 'convlens.image.seed';
const OPSET = 17;

/**
 * Square root of the colour correlation of natural images (ImageNet), as published with the
 * Distill recipe; columns normalized so the largest has norm 1.
 */
const colourCorrelation = [[0.26, 0.09, 0.02], [0.27, 0.0, -0.05], [0.27, -0.09, 0.03]];
const maxColumnNorm = Math.max(...[0, 1, 2].map((j) => Math.hypot(...colourCorrelation.map((r) => r[j]))));
export const decorrelation: number[][] = colourCorrelation.map((r) => r.map((v) => v / maxColumnNorm));

/** Shape of the parameter tensor for a `[B, C, H, W]` image. */
export function paramShape(kind: ParamKind, image: number[]): number[] {
  const [B, C, H, W] = image;
  return kind === 'fft' ? [B, C, H, 2 * halfWidth(W)] : [B, C, H, W];
}

/** The linear graph from the parameter to the image before its sigmoid. */
export function parameterizationGraph(kind: ParamKind, image: number[]): Model {
  const [B, C, H, W] = image;
  const shape = paramShape(kind, image);
  const b = new GraphBuilder(OPSET, 'convlens.param', () => { throw new Error('no shapes needed'); });
  let x = PARAM;
  if (kind === 'fft') {
    const Wf = halfWidth(W);
    x = b.op('Mul', [x, b.constF(spectrumScale(H, W), [H, 2 * Wf])]);
    x = b.op('MatMul', [x, b.constF(widthMatrix(W), [2 * Wf, 2 * W])]);
    x = b.reshape(b.transpose(b.reshape(x, [B, C, H, 2, W]), [0, 1, 3, 2, 4]), [B, C, 2 * H, W]);
    x = b.op('MatMul', [b.constF(heightMatrix(H), [H, 2 * H]), x]);
  }
  if (C === 3) x = b.op('Conv', [x, b.constF(decorrelation.flat(), [3, 3, 1, 1])]);
  b.node('Identity', [x], {}, [LINEAR]);
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: OPSET }],
    producerName: 'convlens',
    producerVersion: '',
    metadata: {},
    functions: [],
    graph: {
      name: `convlens_${kind}_image`,
      nodes: b.nodes,
      inputs: [valueInfo(PARAM, DataType.FLOAT, shape)],
      outputs: [valueInfo(LINEAR, DataType.FLOAT, image)],
      initializers: b.initializers,
      valueInfo: [],
    },
  };
}

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

/**
 * A parameterization opened for one run: the image of a parameter, and the gradient of a
 * scalar with respect to the parameter given its gradient with respect to the image.
 *
 * @example
 * const p = await ImageParameterization.open('fft', [1, 3, 224, 224], runtime);
 * const param = p.noise(0);
 * const image = await p.image(param);
 * await p.release();
 */
export class ImageParameterization {
  private constructor(
    readonly kind: ParamKind,
    readonly imageShape: number[],
    private readonly forward: GraphSession,
    private readonly backward: GraphSession,
    private readonly gradName: string,
  ) {}

  static async open(kind: ParamKind, imageShape: number[], runtime: Runtime): Promise<ImageParameterization> {
    if (kind !== 'fft' && kind !== 'pixels') {
      throw new ConvlensError('BAD_OPTION', `Unknown parameterization "${String(kind)}"; use "fft" (the default) or "pixels".`);
    }
    const model = parameterizationGraph(kind, imageShape);
    const info = inferShapes(model.graph, OPSET, { [PARAM]: paramShape(kind, imageShape) });
    const grad = buildGradientGraph(model, info, { wrt: [PARAM], seeds: [{ output: LINEAR, seed: SEED }] });
    const forward = await GraphSession.open(model, runtime, 'image parameterization');
    try {
      const backward = await GraphSession.open(grad.model, runtime, 'image parameterization gradient');
      return new ImageParameterization(kind, imageShape, forward, backward, grad.gradients.get(PARAM)!);
    } catch (e) {
      await forward.release();
      throw e;
    }
  }

  get shape(): number[] {
    return paramShape(this.kind, this.imageShape);
  }

  /** Seeded small normal noise (standard deviation 0.01): a nearly grey start. */
  noise(seed: number): Float32Array {
    const normal = seededNormal(seed);
    return Float32Array.from({ length: this.shape.reduce((a, b) => a * b, 1) }, () => 0.01 * normal());
  }

  /** The parameter whose image is `image` (`[B, C, H, W]` in [0, 1]); pixels only. */
  fromImage(image: FloatTensor): Float32Array {
    if (this.kind !== 'pixels') {
      throw new ConvlensError('BAD_OPTION', 'Starting from a picture needs the pixels parameterization (param: "pixels").');
    }
    const [B, C, H, W] = this.imageShape;
    if (image.shape.join() !== this.imageShape.join()) {
      throw new ConvlensError('BAD_INPUT', `The start image has shape [${image.shape.join(', ')}], expected [${this.imageShape.join(', ')}] values in [0, 1].`);
    }
    const plane = H * W;
    const logit = image.data.map((v) => {
      const p = Math.min(1 - 1e-3, Math.max(1e-3, v));
      return Math.log(p / (1 - p));
    });
    if (C !== 3) return logit;
    const inv = invert3(decorrelation);
    const out = new Float32Array(logit.length);
    for (let n = 0; n < B; n++) {
      for (let o = 0; o < 3; o++) {
        for (let i = 0; i < 3; i++) {
          const src = (n * 3 + i) * plane, dst = (n * 3 + o) * plane;
          for (let p = 0; p < plane; p++) out[dst + p] += inv[o][i] * logit[src + p];
        }
      }
    }
    return out;
  }

  /** Blurs the image before its sigmoid with a Gaussian of `sigma` pixels (in the spectrum for `fft`). */
  blur(param: Float32Array, sigma: number): Float32Array {
    if (this.kind === 'pixels') return gaussianBlur({ data: param, shape: this.shape }, sigma).data;
    const [, , H, W] = this.imageShape;
    const g = gaussianTransfer(H, W, sigma);
    return param.map((v, i) => v * g[i % g.length]);
  }

  /** The `[0, 1]` image of a parameter. */
  async image(param: Float32Array): Promise<FloatTensor> {
    const linear = (await this.forward.run({ [PARAM]: { data: param, shape: this.shape } }, [LINEAR]))[LINEAR];
    return { data: linear.data.map((v) => 1 / (1 + Math.exp(-v))), shape: linear.shape };
  }

  /**
   * d scalar / d parameter, given the parameter, its image and d scalar / d image. The
   * parameter is a declared input of the adjoint graph, which does not read it.
   */
  async gradient(param: Float32Array, image: FloatTensor, imageGradient: Float32Array): Promise<Float32Array> {
    const seed = imageGradient.map((g, i) => g * image.data[i] * (1 - image.data[i]));
    const out = await this.backward.run({ [PARAM]: { data: param, shape: this.shape }, [SEED]: { data: seed, shape: this.imageShape } }, [this.gradName]);
    return out[this.gradName].data;
  }

  async release(): Promise<void> {
    await Promise.all([this.forward.release(), this.backward.release()]);
  }
}
