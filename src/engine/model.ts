/**
 * A loaded model: the decoded ONNX model (never modified), its engine, how images become its
 * input, its class names and its layers. Platform entry points build it with `openModel`.
 */
import { differentiableOps } from '../autodiff/table.js';
import { ConvlensError } from '../errors.js';
import { imagenetClasses } from '../preprocess/imagenet-classes.js';
import { parsePreprocess, preprocessImages, type NormalizationChoice, type PreprocessSpec } from '../preprocess/preprocess-images.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { readAnnotations } from '../onnx/annotations.js';
import { checkGraphStructure } from '../onnx/graph-checks.js';
import { listLayers, resolveLayer, type Layer } from '../onnx/layers.js';
import { checkSupportedOps } from '../onnx/op-support.js';
import { shapeInferenceOps, type ShapeInfo } from '../onnx/shapes/index.js';
import { DataType, type Model } from '../onnx/types.js';
import { Engine } from './engine.js';
import { firstNonFinite } from './finite.js';
import type { Runtime } from './runtime.js';

export interface ModelOptions {
  /** Normalization: a preset name (`imagenet`, `unit`, `symmetric`), JSON, or `{ mean, std }`. Default: the model's annotation, else `imagenet`. */
  preprocess?: string | NormalizationChoice;
  /** Input `[height, width]` when the model leaves it free. Default: the annotation, else 224 x 224. */
  inputSize?: [number, number];
  /** `'crop'` (resize then centre-crop, default) or `'stretch'`. */
  resize?: 'crop' | 'stretch';
  /** Class names by output index. Default: the annotation, else ImageNet names for 1000-way models. */
  labels?: string[];
  /**
   * Bytes that compiled sessions may hold: their weights and the arenas their runs grow
   * (batches are split so one run's arena fits; idle sessions are released to make room).
   */
  memoryBudget?: number;
  /**
   * CPU threads for onnxruntime's kernels. Default: every core (Node:
   * `os.availableParallelism()`; browsers: `navigator.hardwareConcurrency` when the page is
   * cross-origin isolated, else 1). In browsers the first model opened sets it for the page.
   */
  threads?: number;
}

/** Ops convlens knows how to run and reason about (shape inference); gradients need {@link differentiableOps} too. */
const supportedOps: ReadonlySet<string> = shapeInferenceOps;

export class ConvlensModel {
  readonly engine: Engine;
  /** Name of the image input and of the output targets refer to. */
  readonly inputName: string;
  readonly outputName: string;
  /** `[C, H, W]` of one input item. */
  readonly itemShape: number[];
  readonly preprocessSpec: PreprocessSpec;
  readonly labels: readonly string[] | null;
  private layerCache: Layer[] | null = null;
  /** The `inputSize` option when it set the input's free height and width. */
  private readonly chosenSize: [number, number] | undefined;

  /** The decoded ONNX model (never modified). */
  constructor(readonly onnxModel: Model, runtime: Runtime, options: ModelOptions = {}) {
    checkGraphStructure(onnxModel);
    checkSupportedOps(onnxModel, supportedOps, 'run');
    const { graph } = onnxModel;
    const inputs = graph.inputs.filter((v) => !graph.initializers.has(v.name));
    if (inputs.length !== 1) {
      throw new ConvlensError('BAD_INPUT',
        `convlens explains models with one image input; this model has ${inputs.length} (${inputs.map((v) => v.name).join(', ')}).`);
    }
    const input = inputs[0];
    if (input.elemType !== DataType.FLOAT || (input.shape && input.shape.length !== 4)) {
      throw new ConvlensError('BAD_INPUT', `The model input "${input.name}" is not a float32 [N, C, H, W] tensor; convlens needs an NCHW image input.`);
    }
    this.inputName = input.name;
    this.outputName = graph.outputs[0].name;
    const notes = readAnnotations(onnxModel);
    const runtimeWithBudget = options.memoryBudget ? { ...runtime, memoryBudget: options.memoryBudget } : runtime;
    this.engine = new Engine(runtimeWithBudget, onnxModel, this.inputName);
    const dims = input.shape ?? [null, 3, null, null];
    const fixed = (d: unknown) => (typeof d === 'number' && d > 0 ? d : undefined);
    const size = [fixed(dims[2]), fixed(dims[3])];
    const wanted = options.inputSize ?? notes.inputSize ?? notes.preprocess?.size ?? [224, 224];
    const hw: [number, number] = [size[0] ?? wanted[0], size[1] ?? wanted[1]];
    this.itemShape = [fixed(dims[1]) ?? 3, ...hw];
    this.chosenSize = size[0] === undefined || size[1] === undefined ? options.inputSize : undefined;
    const choice = options.preprocess !== undefined ? parsePreprocess(options.preprocess) : (notes.preprocess ?? { preset: 'imagenet' as const });
    this.preprocessSpec = { ...choice, size: hw, resize: options.resize ?? notes.preprocess?.resize ?? 'crop' };
    const outShape = this.shapeInfo().shapes.get(this.outputName) ?? [];
    const classes = outShape.slice(1).reduce((a, b) => a * b, 1);
    if (options.labels && classes > 0 && options.labels.length !== classes) {
      throw new ConvlensError('BAD_OPTION',
        `The labels list has ${options.labels.length} names but the model output "${this.outputName}" has ${classes} values; give one name per output (labels option, --labels FILE).`);
    }
    this.labels = options.labels ?? notes.labels ?? (classes === 1000 ? imagenetClasses : null);
  }

  /** Refuses, before anything is allocated, input items larger than the memory budget allows. */
  private checkItemSize(): void {
    const bytes = this.itemShape.reduce((a, b) => a * b, 4);
    const budget = this.engine.runtime.memoryBudget;
    // Typed arrays stop at 2^32 bytes whatever the budget.
    if (bytes <= Math.min(budget, 2 ** 32)) return;
    const size = `[${this.itemShape.join(', ')}] (${Math.ceil(bytes / 2 ** 20)} MiB per image)`;
    const fix = this.chosenSize
      ? `choose a smaller input size than ${this.chosenSize.join('x')} (--input-size HxW)`
      : 'raise the budget (memoryBudget, --memory-budget MIB) if the machine has the memory';
    throw new ConvlensError('BATCH_TOO_LARGE', `One input item of ${size} does not fit the memory budget of ${Math.ceil(budget / 2 ** 20)} MiB; ${fix}.`);
  }

  /**
   * Shapes (and folded constant values) of every tensor for a batch of `[C, H, W]` items, at
   * the model's input size by default.
   */
  shapeInfo(itemShape: number[] = this.itemShape): ShapeInfo {
    return this.engine.shapeInfo([this.engine.fixedBatch ?? 1, ...itemShape]);
  }

  /** Layers in execution order with their output shapes for one input of the model's size. */
  get layers(): Layer[] {
    this.layerCache ??= this.layersFor(this.itemShape);
    return this.layerCache;
  }

  /** Layers with output shapes for a given `[C, H, W]` item shape. */
  layersFor(itemShape: number[]): Layer[] {
    return listLayers(this.onnxModel, this.shapeInfo(itemShape));
  }

  /** Tensor name for a module path, node name or tensor name; `UNKNOWN_LAYER` lists the closest matches. */
  resolveLayer(name: string): string {
    return resolveLayer(this.onnxModel, this.layers, name);
  }

  /** Whether every op of the model has a gradient rule. */
  get differentiable(): boolean {
    return this.onnxModel.graph.nodes.every((n) => differentiableOps.has(n.opType));
  }

  /** Images to the model's input tensor `[N, C, H, W]`. */
  async preprocess(images: RgbImage[]): Promise<FloatTensor> {
    if (images.length === 0) throw new ConvlensError('BAD_INPUT', 'No images were given; pass at least one.');
    this.checkItemSize();
    return preprocessImages(images, this.preprocessSpec);
  }

  /** Checks that a tensor fits the model input and holds only finite values; throws `BAD_INPUT` saying what is wrong. */
  checkInput(x: FloatTensor): void {
    this.checkItemSize();
    const ok = x && x.data instanceof Float32Array && Array.isArray(x.shape) && x.shape.length === 4
      && x.shape[0] > 0 && x.shape.slice(1).every((d, i) => d === this.itemShape[i])
      && x.data.length === x.shape.reduce((a, b) => a * b, 1);
    if (!ok) {
      throw new ConvlensError('BAD_INPUT',
        `The input tensor has shape [${x?.shape?.join(', ')}] but the model takes [N, ${this.itemShape.join(', ')}] float32 values; build it with model.preprocess(images).`);
    }
    const bad = firstNonFinite(x.data);
    if (bad >= 0) {
      throw new ConvlensError('BAD_INPUT',
        `The input tensor holds ${x.data[bad]} at index ${bad} (item ${Math.floor(bad / (x.data.length / x.shape[0]))}); every value must be a finite number. Check how the tensor was built.`);
    }
  }

  /** Releases the runtime sessions. */
  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
