/**
 * The left column: open a model (demo buttons, file picker, drop, URL), pick a picture
 * (demo scenes, file picker, drop, paste), and the top-5 predictions, each a button that
 * explains its class.
 */
import type { AppContext } from './app-context.js';
import { el, percent, pictureCanvas } from './dom.js';
import type { SceneName, Slot } from './protocol.js';

/** The demo models shipped in the package's models/ folder, served by the app next to it. */
export const demoModels = [
  { file: 'tank-shortcut.onnx', title: 'Tanks (shortcut)' },
  { file: 'tank-fixed.onnx', title: 'Tanks (fixed)' },
  { file: 'tank-tagged.onnx', title: 'Tanks (tagged)' },
  { file: 'shapes.onnx', title: 'Shapes' },
  { file: 'obstacle-sensors.onnx', title: 'Obstacle sensors' },
] as const;

const scenes: { scene: SceneName; title: string }[] = [
  { scene: 'tank-bright', title: 'Tank, bright sky' },
  { scene: 'tank-overcast', title: 'Tank, overcast' },
  { scene: 'field', title: 'Empty field' },
  { scene: 'shape', title: 'Shape' },
  { scene: 'obstacle', title: 'Obstacle' },
];

export const demoModelUrl = (file: string) => new URL(`models/${file}`, document.baseURI).href;

/** Opens a model into a slot from a URL or a file; shows the error under the slot when it fails. */
export async function openModelInto(ctx: AppContext, slot: Slot, source: { url?: string; file?: File }): Promise<boolean> {
  const name = source.file?.name ?? source.url?.split('/').pop() ?? 'model';
  const info = await ctx.run({ kind: 'open', slot, url: source.url, file: source.file, name }, `opening ${name}`);
  if (!info) return false;
  ctx.models[slot] = info;
  if (slot === 'a') ctx.target = null;
  ctx.changed(slot === 'a' ? 'model' : 'modelB');
  return true;
}

function fileButton(label: string, accept: string, onFile: (f: File) => void): HTMLLabelElement {
  const input = el('input', { type: 'file', accept, class: 'visually-hidden', onchange: () => { if (input.files?.[0]) onFile(input.files[0]); input.value = ''; } });
  // The label is the visible control; Enter or Space on it opens the picker.
  const label_ = el('label', { class: 'button', tabindex: 0, role: 'button' }, label, input);
  label_.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  return label_;
}

export function buildSidebar(ctx: AppContext): HTMLElement {
  const modelName = el('p', { class: 'model-name', id: 'model-name' }, 'No model open.');
  const modelNotice = el('p', { class: 'warning', id: 'model-notice', hidden: true });
  const urlInput = el('input', { type: 'url', placeholder: 'https://…/model.onnx', 'aria-label': 'model URL' });
  const urlForm = el('form', { class: 'row', onsubmit: (e: Event) => { e.preventDefault(); if (urlInput.value) void openModelInto(ctx, 'a', { url: urlInput.value }); } },
    urlInput, el('button', { type: 'submit' }, 'Open URL'));
  const modelSection = el('section', { 'aria-labelledby': 'model-h' },
    el('h2', { id: 'model-h' }, 'Model'),
    el('div', { class: 'buttons' }, ...demoModels.map((m) => el('button', { class: 'demo-model', 'data-file': m.file, onclick: () => void openModelInto(ctx, 'a', { url: demoModelUrl(m.file) }) }, m.title))),
    el('div', { class: 'row' }, fileButton('Open .onnx file…', '.onnx', (f) => void openModelInto(ctx, 'a', { file: f })), el('span', { class: 'hint' }, 'or drop it here')),
    urlForm, modelName, modelNotice);

  const pictureBox = el('div', { class: 'picture', id: 'picture' }, el('p', { class: 'hint' }, 'No picture yet.'));
  let seed = 1;
  const pictureSection = el('section', { 'aria-labelledby': 'picture-h' },
    el('h2', { id: 'picture-h' }, 'Picture'),
    el('div', { class: 'buttons' }, ...scenes.map((s) => el('button', { class: 'scene', 'data-scene': s.scene, onclick: () => void setPicture(ctx, { scene: s.scene, seed: seed++ }) }, s.title))),
    el('div', { class: 'row' }, fileButton('Open picture…', 'image/*', (f) => void setPicture(ctx, { file: f })), el('span', { class: 'hint' }, 'drop or paste one')),
    pictureBox);

  const predictions = el('ol', { class: 'predictions', id: 'predictions', 'aria-live': 'polite' });
  const predictionSection = el('section', { 'aria-labelledby': 'pred-h' }, el('h2', { id: 'pred-h' }, 'Predictions'), predictions);

  ctx.on('model', () => {
    const m = ctx.models.a;
    modelName.textContent = m ? `${m.label} · input ${m.itemShape.join('×')} · ${m.layers.length} layers` : 'No model open.';
    modelNotice.textContent = m?.notice ?? '';
    modelNotice.hidden = !m?.notice;
    void refreshPredictions(ctx, predictions);
  });
  ctx.on('picture', () => {
    pictureBox.replaceChildren(pictureCanvas(ctx.picture!.image, 160, ctx.picture!.caption), el('p', { class: 'hint' }, ctx.picture!.caption));
    void refreshPredictions(ctx, predictions);
  });
  ctx.on('target', () => markTarget(ctx, predictions));
  return el('aside', { class: 'sidebar' }, modelSection, pictureSection, predictionSection);
}

export async function setPicture(ctx: AppContext, source: { scene?: SceneName; seed?: number; file?: Blob }): Promise<void> {
  const reply = await ctx.run({ kind: 'picture', ...source }, 'reading the picture');
  if (!reply) return;
  ctx.picture = reply;
  ctx.changed('picture');
}

function markTarget(ctx: AppContext, list: HTMLElement): void {
  for (const b of Array.from(list.querySelectorAll<HTMLButtonElement>('button'))) b.setAttribute('aria-pressed', String(Number(b.dataset.index) === ctx.target));
}

async function refreshPredictions(ctx: AppContext, list: HTMLElement): Promise<void> {
  const model = ctx.models.a;
  if (!model || !ctx.picture) { list.replaceChildren(); return; }
  const top = await ctx.run({ kind: 'predict', slot: 'a' }, 'predicting');
  if (!top) return;
  ctx.topClass = model.values ? null : top[0].index;
  list.replaceChildren(...top.map((p) => el('li', {},
    el('button', { class: 'prediction', 'data-index': p.index, title: model.values ? '' : `explain class ${p.index}`,
      onclick: () => { ctx.target = p.index; ctx.changed('target'); } },
    el('span', { class: 'label' }, `${p.label}`),
    el('span', { class: 'score' }, model.values ? p.score.toPrecision(3) : percent(p.score)),
    el('span', { class: 'bar', style: `width:${model.values ? 0 : Math.round(100 * p.score)}%` })))));
  markTarget(ctx, list);
}
