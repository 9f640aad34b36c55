/**
 * The Synthesis tab: activation maximization of an objective (a class, a channel, a layer,
 * as `convlens visualize --objective` takes it), with the step count as progress, the current
 * picture shown live, and the status bar's Cancel as the stop button (which keeps the picture
 * last shown); the result, its objective curve and snapshots.
 */
import type { AppContext } from './app-context.js';
import { el, pictureCanvas, selectBox } from './dom.js';
import type { Picture } from './protocol.js';

/** Live pictures per run at most; each costs one run of the image graph, a fraction of a step. */
const LIVE_PICTURES = 128;

export function buildSynthesisView(ctx: AppContext): HTMLElement {
  const objective = el('input', { type: 'text', id: 'objective', size: 28, value: '', placeholder: 'class being explained' });
  const steps = el('input', { type: 'number', id: 'synth-steps', min: 1, value: 128, style: 'width:6em' });
  const seed = el('input', { type: 'number', id: 'synth-seed', value: 0, style: 'width:5em' });
  const lr = el('input', { type: 'text', id: 'synth-lr', placeholder: '0.05', size: 5 });
  const reg = el('input', { type: 'text', id: 'synth-reg', placeholder: 'l2:1e-3,tv:1e-2', size: 16 });
  let param: 'fft' | 'pixels' = 'fft';
  let transforms: 'standard' | 'none' = 'standard';
  const out = el('div', { id: 'synthesis-out', class: 'synthesis-out', 'aria-live': 'polite' });

  async function run(): Promise<void> {
    if (!ctx.models.a) return;
    if (!objective.value.trim()) objective.value = defaultObjective();
    const total = Number(steps.value);
    const holder = el('div', { class: 'figure' });
    const caption = el('span', { class: 'hint' }, 'starting…');
    const live = el('figure', { class: 'card wide-card', id: 'synthesis-live' }, el('figcaption', {}, el('strong', {}, objective.value), caption), holder);
    out.replaceChildren(live);
    const show = (image: Picture, step: number) => {
      holder.replaceChildren(pictureCanvas(image, Math.max(192, image.width), `synthesized picture at step ${step}`));
      live.dataset.step = String(step);
      caption.textContent = `step ${step} / ${total}`;
    };
    const reply = await ctx.run({
      kind: 'synthesize', slot: 'a', objective: objective.value.trim(), steps: total, seed: Number(seed.value),
      lr: lr.value.trim() ? Number(lr.value) : null, param, transforms, reg: reg.value, liveEvery: Math.max(1, Math.ceil(total / LIVE_PICTURES)),
    }, 'synthesis', show);
    if (!reply) {
      caption.textContent = live.dataset.step ? `stopped at step ${live.dataset.step} of ${total}` : 'stopped';
      live.dataset.stopped = 'true';
      return;
    }
    live.id = 'synthesis-result';
    live.dataset.objective = String(reply.finalObjective);
    caption.textContent = `objective ${reply.finalObjective.toPrecision(4)} after ${total} steps · ${Math.round(ctx.lastMs)} ms`
      + (reply.recognized === null ? '' : ` · classified as the class in ${Math.round(100 * reply.recognized)} % of transformed samples`);
    out.append(
      el('figure', { class: 'card wide-card' }, el('figcaption', {}, el('strong', {}, 'objective per step')), pictureCanvas(reply.curve, undefined, 'objective curve')),
      el('div', { class: 'frames' }, ...reply.frames.map((f) => el('figure', {}, pictureCanvas(f.image, 96, `step ${f.step}`), el('figcaption', { class: 'hint' }, `step ${f.step}`)))),
      ...reply.warnings.map((w) => el('p', { class: 'warning' }, w)));
  }

  // The class being explained, else the top prediction, else class 0; a regression model's last spatial layer.
  const defaultObjective = () => {
    const m = ctx.models.a;
    if (!m) return '';
    return m.values ? `layer:${m.camLayer ?? ''}` : `class:${ctx.target ?? ctx.topClass ?? 0}`;
  };
  ctx.on('model', () => { objective.value = ''; out.replaceChildren(); });
  ctx.on('target', () => { if (ctx.target !== null) objective.value = `class:${ctx.target}`; });

  return el('div', { class: 'view' },
    el('p', { class: 'hint' }, 'Objectives as on the command line: class:N, channel:LAYER:N, layer:LAYER, neuron:LAYER:N:Y:X, direction:…, diversity:LAYER, sums with +. Cancel in the status bar stops a run.'),
    el('div', { class: 'row wrap controls' },
      el('label', { class: 'field', for: 'objective' }, 'objective'), objective,
      el('label', { class: 'field', for: 'synth-steps' }, 'steps'), steps,
      el('label', { class: 'field', for: 'synth-seed' }, 'seed'), seed,
      el('label', { class: 'field', for: 'synth-lr' }, 'learning rate'), lr,
      el('label', { class: 'field', for: 'synth-reg' }, 'regularizers'), reg,
      selectBox('image', ['fft', 'pixels'], param, (v) => { param = v as typeof param; }),
      selectBox('transforms', ['standard', 'none'], transforms, (v) => { transforms = v as typeof transforms; }),
      el('button', { class: 'primary', id: 'run-synthesis', onclick: () => void run() }, 'Synthesize')),
    out);
}
