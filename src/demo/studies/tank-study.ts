/**
 * The tank story of the demo: two models of the same architecture, one trained where every
 * tank stood under a bright sky (it learned the weather), one trained where sky and label are
 * independent (it learned the tank). Accuracy on both splits shows the shortcut; the share of
 * Grad-CAM inside the tank's box shows where each model looks.
 */
import type { ConvlensModel } from '../../engine/model.js';
import { ConvlensError } from '../../errors.js';
import { drawBox } from '../../image/mask.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import { meanAttributionShareInBoxes } from '../box-share.js';
import { findMethod } from '../../methods/registry.js';
import { tankDataset, type TankDataset } from '../scenes/index.js';
import { methodImage } from '../../render/method-image.js';
import { imageGrid, note, numberTable, paragraph, type GridCell, type ReportBlock } from '../../render/report/index.js';
import { accuracy, predictedClasses, type StudyProgress } from './study-runs.js';

export interface TankModels {
  shortcut: ConvlensModel;
  fixed: ConvlensModel;
}

export interface TankStudyOptions extends StudyProgress {
  /** Pictures per test split; default 200. */
  testCount?: number;
  /** Seed of the test splits (the training splits used others); default 9001. */
  seed?: number;
  /** Tank pictures of the balanced split shown side by side; default 4. */
  examples?: number;
}

export interface TankStudy {
  /** Accuracy of each model on the biased and the balanced test split. */
  accuracy: { shortcut: { biased: number; balanced: number }; fixed: { biased: number; balanced: number } };
  /** Mean share of each method's map inside the tank's box, over the balanced split's tanks. */
  share: { shortcut: Record<ShareMethod, number>; fixed: Record<ShareMethod, number> };
  /** Mean share of the picture the boxes cover: what a map spread evenly would score. */
  boxArea: number;
  blocks: ReportBlock[];
}

const TANK = 1;
const shareMethods = ['gradcam', 'saliency'] as const;
type ShareMethod = (typeof shareMethods)[number];
const shownMethods = ['gradcam', 'guided-gradcam', 'saliency'] as const;

const percent = (v: number) => Math.round(1000 * v) / 10;

function tanksOf(data: TankDataset): { images: RgbImage[]; boxes: NonNullable<TankDataset['boxes'][number]>[] } {
  const idx = data.labels.flatMap((l, i) => (l === TANK && data.boxes[i] ? [i] : []));
  return { images: idx.map((i) => data.images[i]), boxes: idx.map((i) => data.boxes[i]!) };
}

/** Examples under both skies, alternating, so the grid shows tanks the shortcut model misses. */
function pickExamples(data: TankDataset, count: number): number[] {
  const bySky = (sky: string) => data.labels.flatMap((l, i) => (l === TANK && data.sky[i] === sky && data.boxes[i] ? [i] : []));
  const [bright, overcast] = [bySky('bright'), bySky('overcast')];
  return Array.from({ length: count }, (_, k) => (k % 2 === 0 ? bright : overcast)[Math.floor(k / 2)]).filter((i) => i !== undefined);
}

/**
 * Runs the tank study on the two models and returns its numbers and report blocks.
 *
 * @example
 * const study = await tankStudy({ shortcut, fixed });
 * study.accuracy.shortcut.balanced; // about 0.5: it learned the sky
 * study.share.fixed.gradcam > study.share.shortcut.gradcam; // true
 * // Stoppable: rejects with an ABORTED ConvlensError once the signal fires.
 * await tankStudy({ shortcut, fixed }, { signal: AbortSignal.timeout(5000) });
 */
export async function tankStudy(models: TankModels, options: TankStudyOptions = {}): Promise<TankStudy> {
  const { testCount = 200, seed = 9001, examples = 4, onProgress, signal } = options;
  const size = models.fixed.itemShape[1];
  const biased = tankDataset({ split: 'biased', count: testCount, seed, size });
  const balanced = tankDataset({ split: 'balanced', count: testCount, seed: seed + 1, size });
  const tanks = tanksOf(balanced);
  const shown = pickExamples(balanced, examples);
  const steps = 2 * (2 + shareMethods.length + shownMethods.length);
  let done = 0;
  const step = () => {
    if (signal?.aborted) throw new ConvlensError('ABORTED', 'The tank study was aborted by its AbortSignal.');
    onProgress?.(++done, steps);
  };

  const shownImages = shown.map((i) => balanced.images[i]);
  const named = [['shortcut', models.shortcut], ['fixed', models.fixed]] as const;
  const acc = {} as TankStudy['accuracy'];
  const share = {} as TankStudy['share'];
  const columns: string[] = ['input (box: the tank)'];
  const cells: GridCell[][] = shown.map((i) => [{ image: drawBox(balanced.images[i], balanced.boxes[i]!, [255, 40, 40]), caption: `${balanced.sky[i]} sky` }]);
  for (const [name, model] of named) {
    acc[name] = { biased: accuracy(await predictedClasses(model, biased.images, signal), biased.labels), balanced: 0 };
    step();
    const predicted = await predictedClasses(model, balanced.images, signal);
    acc[name].balanced = accuracy(predicted, balanced.labels);
    step();
    const x = await model.preprocess(tanks.images);
    share[name] = {} as Record<ShareMethod, number>;
    for (const method of shareMethods) {
      share[name][method] = meanAttributionShareInBoxes((await findMethod(method).run(model, x, { target: TANK, signal })).map, tanks.boxes);
      step();
    }
    const xs = await model.preprocess(shownImages);
    for (const method of shownMethods) {
      const r = await findMethod(method).run(model, xs, { target: TANK, signal });
      const captioned = method === shownMethods[0];
      shown.forEach((i, k) => cells[k].push({ image: methodImage(r, k, shownImages), caption: captioned ? `says ${predicted[i] === TANK ? 'tank' : 'no tank'}` : undefined }));
      columns.push(`${name}: ${method}`);
      step();
    }
  }
  const boxArea = tanks.boxes.reduce((a, b) => a + (b.width * b.height) / (size * size), 0) / tanks.boxes.length;

  const blocks: ReportBlock[] = [
    paragraph('Two copies of one small CNN, trained by convlens on generated landscapes. The ', { strong: 'shortcut' },
      ' model saw a biased split: every tank under a bright sky, every empty field under an overcast one. The ', { strong: 'fixed' },
      ' model saw a balanced split, where the sky says nothing about the label. Both are tested on fresh pictures of each kind.'),
    numberTable({
      caption: 'Accuracy (%) on test pictures the models never saw',
      columns: ['model', 'biased split', 'balanced split'],
      rows: named.map(([name]) => [name, percent(acc[name].biased), percent(acc[name].balanced)]),
      digits: 1,
    }),
    paragraph('On the biased split both look excellent. On the balanced split the shortcut model is near a coin toss: it learned the weather, not the tank.'),
    imageGrid({ caption: 'Tanks of the balanced split (red box) and where each model looks for "tank"', columnLabels: columns, rowLabels: shown.map((_, k) => `#${k + 1}`), cells }),
    numberTable({
      caption: `Share (%) of each map inside the tank's box, mean over ${tanks.boxes.length} tanks of the balanced split; a map spread evenly would score ${percent(boxArea)} %`,
      columns: ['model', ...shareMethods.map((m) => `${m} in box`)],
      rows: named.map(([name]) => [name, ...shareMethods.map((m) => percent(share[name][m]))]),
      digits: 1,
    }),
    note('info', 'The fixed model puts ', { strong: `${percent(share.fixed.gradcam)} %` }, ' of its Grad-CAM on the tank, the shortcut model ',
      { strong: `${percent(share.shortcut.gradcam)} %` }, ': the shortcut shows in the numbers, not only in the pictures.'),
  ];
  return { accuracy: acc, share, boxArea, blocks };
}
