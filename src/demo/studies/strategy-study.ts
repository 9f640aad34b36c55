/**
 * The watermark study of the demo: a tank detector trained where a quarter of the tanks
 * carry a tag in the top-left corner. Spectral relevance analysis of its Grad-CAM maps over
 * fresh tank pictures, told nothing about the tag, should put the tagged pictures into a
 * cluster of their own; drawing the tag onto empty fields then shows what that cluster means.
 */
import type { DatasetSource } from '../../dataset/source.js';
import { strategies, type StrategyAnalysis } from '../../dataset/strategies.js';
import type { ConvlensModel } from '../../engine/model.js';
import { drawTag, tagBox, taggedTankDataset, type TaggedTankDataset } from '../scenes/tagged-tanks.js';
import { note, paragraph, type ReportBlock } from '../../render/report/index.js';
import { strategyView } from '../../dataset/strategy-view.js';
import { strategyBlocks } from '../../render/strategies-view.js';
import { predictedClasses, type StudyProgress } from './study-runs.js';

export interface StrategyStudyOptions extends StudyProgress {
  /** Test pictures (half of them tanks); default 240. */
  count?: number;
  /** Seed of the test pictures (training used another); default 9101. */
  seed?: number;
}

export interface StrategyStudy {
  /** The test pictures, with which of them carry the tag. */
  data: TaggedTankDataset;
  analysis: StrategyAnalysis;
  /** The cluster holding the most tagged pictures. */
  tagCluster: number;
  /** Share of the tagged pictures inside the tag cluster. */
  tagRecall: number;
  /** Share of the tag cluster's pictures without the tag. */
  untaggedShare: number;
  /** Share of the empty fields the model calls "tank" once the tag is drawn on them. */
  taggedEmptyAsTank: number;
  /** Share of the tag cluster's mean map inside the tag's box, and the share of the picture the box covers. */
  meanMapOnTag: { inside: number; area: number };
  blocks: ReportBlock[];
}

const TANK = 1;
const percent = (v: number) => `${(100 * v).toFixed(0)} %`;

/** Generated pictures as a dataset the strategy view reads. */
function inMemory(name: string, data: TaggedTankDataset): DatasetSource {
  return {
    name,
    classNames: data.classNames,
    entries: data.labels.map((label, i) => ({ id: `${data.tagged[i] ? 'tagged' : 'plain'} ${i}`, label })),
    load: (i) => Promise.resolve(data.images[i]),
  };
}

/** Share of a `viewSize` map inside the tag's box of a `size x size` picture, and the box's share of the picture. */
function shareOnTag(map: Float32Array, [h, w]: [number, number], size: number): { inside: number; area: number } {
  const box = tagBox(size);
  let inside = 0;
  let total = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // The view pixel's centre, in picture pixels.
      const [py, px] = [((y + 0.5) * size) / h, ((x + 0.5) * size) / w];
      const v = map[y * w + x];
      total += v;
      if (px >= box.x && px < box.x + box.width && py >= box.y && py < box.y + box.height) inside += v;
    }
  }
  return { inside: total > 0 ? inside / total : 0, area: (box.width * box.height) / (size * size) };
}

/**
 * Runs the watermark study and returns its numbers and report blocks.
 *
 * @example
 * const study = await strategyStudy(tankTagged);
 * study.tagRecall;     // near 1: the tagged pictures share one cluster
 * study.untaggedShare; // near 0: and that cluster holds little else
 */
export async function strategyStudy(model: ConvlensModel, options: StrategyStudyOptions = {}): Promise<StrategyStudy> {
  const { count = 240, seed = 9101, onProgress } = options;
  const data = taggedTankDataset({ count, seed, size: model.itemShape[1] });
  const source = inMemory('tagged tanks', data);
  const analysis = await strategies(model, source, { className: 'tank', onProgress: (done, total) => onProgress?.(done, total + 1) });
  const taggedIn = (members: number[]) => members.filter((i) => data.tagged[i]).length;
  const counts = analysis.clusters.map((c) => taggedIn(c.members));
  const tagCluster = counts.indexOf(Math.max(...counts));
  const tagged = data.tagged.filter(Boolean).length;
  const tagRecall = counts[tagCluster] / tagged;
  const untaggedShare = 1 - counts[tagCluster] / analysis.clusters[tagCluster].members.length;
  const empty = data.labels.flatMap((l, i) => (l === TANK ? [] : [i]));
  const calls = await predictedClasses(model, empty.map((i) => drawTag(data.images[i])));
  const taggedEmptyAsTank = calls.filter((c) => c === TANK).length / empty.length;
  const meanMapOnTag = shareOnTag(analysis.clusters[tagCluster].meanMap, analysis.viewSize, model.itemShape[1]);
  const view = await strategyView(model, source, analysis, {
    title: `class tank of the tagged tanks, ${analysis.method}`, examples: 5, note: (members) => `${taggedIn(members)} tagged`,
  });
  onProgress?.(analysis.images.length + 1, analysis.images.length + 1);
  const blocks: ReportBlock[] = [
    paragraph('A third copy of the tank CNN was trained on pictures where a quarter of the tanks carry a small tag in the top-left corner, ',
      'as a photographer\'s copyright tag marked many horse pictures of PASCAL VOC. Is the model right for the right reason? ',
      'Spectral relevance analysis explains each of ', { strong: `${analysis.images.length} fresh tank pictures` },
      ' with Grad-CAM and clusters the maps, without being told which pictures carry the tag.'),
    ...strategyBlocks(view),
    note('info', `Cluster #${tagCluster + 1} holds `, { strong: `${percent(tagRecall)} of the ${tagged} tagged pictures` },
      ` and ${percent(untaggedShare)} untagged ones; its mean map puts ${percent(meanMapOnTag.inside)} of its weight on the tag, which covers ${percent(meanMapOnTag.area)} of the picture. `,
      'Drawing the tag onto empty fields confirms the shortcut: the model then calls ', { strong: percent(taggedEmptyAsTank) }, ' of them "tank".'),
  ];
  return { data, analysis, tagCluster, tagRecall, untaggedShare, taggedEmptyAsTank, meanMapOnTag, blocks };
}
