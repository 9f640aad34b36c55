/**
 * What the compute worker holds between requests: the open models, the current picture and
 * the recent explanation results (so the page can re-render or download them without
 * recomputing).
 */
import type { ConvlensModel, MethodOutput, RgbImage } from '../browser/index.js';
import type { PixelBox, Slot } from './protocol.js';

export interface StoredResult {
  output: MethodOutput;
  /** The model-sized input picture the map lies over. */
  input: RgbImage;
  /** The object box in input pixels, when the picture has one and was not resized. */
  box: PixelBox | null;
}

/** The model's output for one picture, computed once: the predictions and the explanations of that picture share it. */
interface KnownOutput {
  model: ConvlensModel;
  image: RgbImage;
  scores: Promise<Float32Array>;
}

/** Results kept for re-rendering; older ones are dropped (the page asks for a rerun). */
const KEPT_RESULTS = 64;

export class WorkerState {
  readonly models = new Map<Slot, ConvlensModel>();
  picture: { image: RgbImage; box: PixelBox | null } | null = null;
  private readonly results = new Map<number, StoredResult>();
  private readonly outputs = new Map<Slot, KnownOutput>();
  private nextResult = 1;

  model(slot: Slot): ConvlensModel {
    const model = this.models.get(slot);
    if (!model) throw new Error(slot === 'a' ? 'Open a model first.' : 'Open a second model to compare with first.');
    return model;
  }

  async replaceModel(slot: Slot, model: ConvlensModel): Promise<void> {
    const old = this.models.get(slot);
    this.models.set(slot, model);
    await old?.dispose();
  }

  currentPicture(): { image: RgbImage; box: PixelBox | null } {
    if (!this.picture) throw new Error('Pick a picture first (drop one, paste one, open a file, or choose a demo scene).');
    return this.picture;
  }

  /**
   * The model's output for the current picture: computed by `compute` the first time, then
   * the same (also while that first computation still runs); a failed one is forgotten.
   */
  outputScores(slot: Slot, compute: () => Promise<Float32Array>): Promise<Float32Array> {
    const model = this.model(slot);
    const { image } = this.currentPicture();
    const known = this.outputs.get(slot);
    if (known && known.model === model && known.image === image) return known.scores;
    const scores = compute();
    const entry = { model, image, scores };
    this.outputs.set(slot, entry);
    scores.catch(() => { if (this.outputs.get(slot) === entry) this.outputs.delete(slot); });
    return scores;
  }

  /** The model's output for the current picture if it is known or being computed, else null. */
  knownScores(slot: Slot): Promise<Float32Array> | null {
    const known = this.outputs.get(slot);
    return known && known.model === this.models.get(slot) && known.image === this.picture?.image ? known.scores : null;
  }

  store(result: StoredResult): number {
    const id = this.nextResult++;
    this.results.set(id, result);
    if (this.results.size > KEPT_RESULTS) this.results.delete(this.results.keys().next().value!);
    return id;
  }

  result(id: number): StoredResult {
    const r = this.results.get(id);
    if (!r) throw new Error('This result is no longer kept; run the explanation again.');
    return r;
  }
}
