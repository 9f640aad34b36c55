/**
 * One evaluation of the synthesis objective: parameter -> image (ONNX graph) -> drawn
 * transformations and the model's normalization (JavaScript, exact adjoint) -> model up to
 * the objective's layers (ONNX gradient graph) -> minus the regularizers; and the gradient of
 * all of it with respect to the parameter.
 */
import type { ReluRule } from '../autodiff/vjp.js';
import type { ConvlensModel } from '../engine/model.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { channelMap, toModelInput, toModelInputAdjoint, type ChannelMap } from './model-input.js';
import { objectiveGradient } from './objective-graph.js';
import type { ResolvedTerm } from './objectives.js';
import { ImageParameterization, type ParamKind } from './parameterization.js';
import { applyRegularizers, type Regularizers } from './regularizers.js';
import { samplingTable, type TransformDraw } from './transforms.js';

export interface StepEvaluation {
  /** The image of the parameter, `[B, C, H, W]` in [0, 1]. */
  image: FloatTensor;
  /** The objective of each item (before regularizers). */
  values: Float32Array;
  /** The weighted regularizer penalty of the whole batch. */
  penalty: number;
  /** d (sum of objectives - penalty) / d parameter. */
  gradient: Float32Array;
}

export class SynthesisStep {
  private constructor(
    readonly model: ConvlensModel,
    readonly terms: ResolvedTerm[],
    readonly param: ImageParameterization,
    readonly map: ChannelMap,
  ) {}

  /**
   * Opens the parameterization for images of `[B, C, H, W]` (the model's input size).
   *
   * @example
   * const step = await SynthesisStep.open(model, resolveObjective(model, 'class:3'), 'fft', [1, 3, 32, 32]);
   * const e = await step.evaluate(step.param.noise(0), null, {});
   * await step.release();
   */
  static async open(model: ConvlensModel, terms: ResolvedTerm[], kind: ParamKind, imageShape: number[]): Promise<SynthesisStep> {
    return new SynthesisStep(model, terms, await ImageParameterization.open(kind, imageShape, model.engine.runtime), channelMap(model));
  }

  get imageShape(): number[] {
    return this.param.imageShape;
  }

  /** The model input for an image under one drawn transformation per item (none when `draws` is null). */
  modelInput(image: FloatTensor, draws: TransformDraw[] | null): { x: FloatTensor; tables: ReturnType<typeof samplingTable>[] | null[] } {
    const [B, , H, W] = image.shape;
    const size: [number, number] = [H, W];
    const tables = draws ? draws.map((d) => samplingTable(d, size, size)) : Array.from({ length: B }, () => null);
    return { x: toModelInput(image, tables, this.map, size), tables };
  }

  async evaluate(param: Float32Array, draws: TransformDraw[] | null, reg: Regularizers, options: { relu?: ReluRule; signal?: AbortSignal } = {}): Promise<StepEvaluation> {
    const image = await this.param.image(param);
    const { x, tables } = this.modelInput(image, draws);
    const { values, gradient } = await objectiveGradient(this.model, this.terms, x, options);
    const [, , H, W] = image.shape;
    const imageGrad = toModelInputAdjoint(gradient, tables, this.map, [H, W]);
    const penalty = applyRegularizers(image, reg, imageGrad);
    return { image, values, penalty, gradient: await this.param.gradient(param, image, imageGrad) };
  }

  release(): Promise<void> {
    return this.param.release();
  }
}
