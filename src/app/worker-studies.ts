/**
 * Worker side of the Synthesis and Evaluation tabs: activation maximization with progress
 * per step (stoppable), and the faithfulness metrics and the model-randomization sanity
 * check of one method's map of the current picture.
 */
import {
  evaluate, findMethod, imagesOf, metricNames, objectiveCurve, visualize, type FloatTensor, type MetricName,
} from '../browser/index.js';
import type { EvaluationReply, Picture, Slot, SynthesisReply } from './protocol.js';
import type { WorkerState } from './worker-state.js';

export interface SynthesisRequest {
  slot: Slot; objective: string; steps: number; seed: number; lr: number | null; param: 'fft' | 'pixels'; transforms: 'standard' | 'none'; reg: string;
  /** Steps between two live pictures. */
  liveEvery: number;
}

/** Snapshots shown as a strip under the result. */
const FRAMES = 8;

export async function synthesize(
  state: WorkerState, req: SynthesisRequest, signal: AbortSignal, onProgress: (done: number, total: number) => void,
  onImage: (image: Picture, step: number) => void,
): Promise<SynthesisReply> {
  const model = state.model(req.slot);
  const r = await visualize(model, req.objective, {
    steps: req.steps, seed: req.seed, param: req.param, transforms: req.transforms, frames: FRAMES,
    ...(req.lr !== null && { lr: req.lr }), ...(req.reg.trim() && { reg: req.reg.trim() }),
    signal, onProgress, imageEvery: req.liveEvery, onImage: (image, step) => onImage(imagesOf(image)[0], step),
  });
  return {
    image: r.images[0],
    curve: objectiveCurve(r.curve, { title: req.objective }),
    frames: r.frames.map((f) => ({ step: f.step, image: f.images[0] })),
    finalObjective: r.curve[r.curve.length - 1],
    recognized: r.recognized ? r.recognized.share[0] : null,
    warnings: r.warnings,
  };
}

export async function evaluateMap(
  state: WorkerState, req: { slot: Slot; method: string; target: number | null; metrics: string[] }, signal: AbortSignal,
  onProgress: (done: number, total: number, label: string) => void,
): Promise<EvaluationReply> {
  const model = state.model(req.slot);
  const picture = state.currentPicture();
  const x = await model.preprocess([picture.image]);
  const method = findMethod(req.method);
  const options = { ...(req.target !== null && { target: req.target }), signal };
  const explainer = async (m: typeof model, xs: FloatTensor) => (await method.run(m, xs, options)).map;
  const map = await explainer(model, x);
  // Object boxes are known in picture pixels; they hold for the model input when preprocessing kept the size.
  const sameSize = picture.image.width === x.shape[3] && picture.image.height === x.shape[2];
  const boxes = picture.box && sameSize ? [[picture.box]] : undefined;
  const reply: EvaluationReply = { rows: [], curves: [], insensitive: null };
  const wanted = req.metrics.filter((m): m is MetricName => (metricNames as readonly string[]).includes(m));
  for (const [k, metric] of wanted.entries()) {
    if (metric === 'pointing' && !boxes) continue;
    const e = await evaluate(model, x, metric === 'randomization' ? explainer : map, metric, {
      ...options, boxes, onProgress: (done, total) => onProgress(k * total + done, wanted.length * total, metric),
    });
    for (const s of e.scores) reply.rows.push({ metric, name: s.name, better: s.better, value: s.mean });
    for (const c of e.curves) reply.curves.push({ name: c.name, xLabel: c.xLabel, yLabel: c.yLabel, x: c.x, y: c.perImage[0] });
    if (e.insensitive !== undefined) reply.insensitive = e.insensitive;
  }
  return reply;
}
