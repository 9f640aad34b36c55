/**
 * A scan's predictions: the model's top class per image, and when the dataset has labels,
 * the confusion counts from which accuracy per class follows. Counts add, predictions join
 * by image index, so shards merge into the same summary as one pass.
 */
import { argmaxRow, softmax } from '../numeric/softmax.js';

export interface Prediction {
  image: number;
  /** Index of the model's top output. */
  predicted: number;
  probability: number;
}

export interface ClassAccuracy {
  name: string;
  images: number;
  correct: number;
  accuracy: number;
}

/** A {@link PredictionSummary} as plain data. */
export interface PredictionSummaryJson {
  outputs: number;
  classNames: string[] | null;
  labelToOutput: number[] | null;
  predictions: Prediction[];
  confusion: number[][];
}

export class PredictionSummary {
  private readonly predictions: Prediction[] = [];
  /** `confusion[label][predicted output]`. */
  readonly confusion: number[][];

  /**
   * @param outputs the model's output size
   * @param labelToOutput for each dataset class, the model output it corresponds to (null without labels)
   */
  constructor(readonly outputs: number, readonly classNames: readonly string[] | null, readonly labelToOutput: number[] | null) {
    this.confusion = (classNames ?? []).map(() => new Array<number>(outputs).fill(0));
  }

  /** Adds a batch of model outputs `[n, outputs]` for dataset images with the given labels. */
  add(scores: Float32Array, images: number[], labels: (number | null)[]): void {
    for (let n = 0; n < images.length; n++) {
      const predicted = argmaxRow(scores, n, this.outputs);
      const probability = softmax(scores.subarray(n * this.outputs, (n + 1) * this.outputs))[predicted];
      this.predictions.push({ image: images[n], predicted, probability });
      const label = labels[n];
      if (label !== null && this.labelToOutput) this.confusion[label][predicted]++;
    }
  }

  merge(other: PredictionSummary): void {
    this.predictions.push(...other.predictions);
    other.confusion.forEach((row, l) => row.forEach((v, p) => { this.confusion[l][p] += v; }));
  }

  /** Every prediction in dataset order. */
  all(): Prediction[] {
    return [...this.predictions].sort((a, b) => a.image - b.image);
  }

  /** Accuracy per dataset class and overall, or null without labels. */
  accuracy(): { overall: number; perClass: ClassAccuracy[] } | null {
    if (!this.classNames || !this.labelToOutput) return null;
    const perClass = this.classNames.map((name, l) => {
      const images = this.confusion[l].reduce((a, b) => a + b, 0);
      const correct = this.confusion[l][this.labelToOutput![l]];
      return { name, images, correct, accuracy: images ? correct / images : NaN };
    });
    const images = perClass.reduce((a, c) => a + c.images, 0);
    return { overall: perClass.reduce((a, c) => a + c.correct, 0) / images, perClass };
  }

  /** The full mergeable state as plain data (for shards sent between threads or machines). */
  toJSON(): PredictionSummaryJson {
    return { outputs: this.outputs, classNames: this.classNames && [...this.classNames], labelToOutput: this.labelToOutput, predictions: this.all(), confusion: this.confusion };
  }

  static fromJSON(json: PredictionSummaryJson): PredictionSummary {
    const summary = new PredictionSummary(json.outputs, json.classNames, json.labelToOutput);
    summary.predictions.push(...json.predictions);
    json.confusion.forEach((row, l) => row.forEach((v, p) => { summary.confusion[l][p] = v; }));
    return summary;
  }
}
