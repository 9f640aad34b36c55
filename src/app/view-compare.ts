/**
 * The Compare tab: two models on the same picture, method by method side by side (with the
 * demo's tank study when both tank models are open), or one model across layers or classes.
 */
import type { AppContext } from './app-context.js';
import { el, percent } from './dom.js';
import type { ExplainResult, ModelInfo, Slot, TankStudyReply } from './protocol.js';
import { demoModels, demoModelUrl, openModelInto } from './sidebar.js';
import { resultCard } from './view-explain.js';

const compared = ['gradcam', 'saliency', 'guided', 'gradcam++', 'layercam', 'scorecam', 'occlusion', 'smoothgrad', 'ig'];

function studyTable(study: TankStudyReply, a: ModelInfo, b: ModelInfo): HTMLElement {
  const rows = [['A (shortcut)', a.label, study.accuracy.shortcut, study.share.shortcut], ['B (fixed)', b.label, study.accuracy.fixed, study.share.fixed]] as const;
  const methods = Object.keys(study.share.shortcut);
  return el('table', { class: 'study', id: 'tank-study' },
    el('caption', {}, `The demo's tank study: accuracy on 200 fresh pictures per split, and the mean share of each map inside the tank's box over the balanced split's tanks (a map spread evenly scores ${percent(study.boxArea)}).`),
    el('thead', {}, el('tr', {}, ...['model', 'file', 'biased split', 'balanced split', ...methods.map((m) => `${m} in box`)].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map(([name, file, acc, share]) => el('tr', {},
      el('th', {}, name), el('td', {}, file.split('/').pop() ?? file), el('td', {}, percent(acc.biased)), el('td', {}, percent(acc.balanced)),
      ...methods.map((m) => el('td', { 'data-share': m }, percent(share[m])))))));
}

export function buildCompareView(ctx: AppContext): HTMLElement {
  const bName = el('p', { class: 'model-name', id: 'model-b-name' }, 'No second model open.');
  const methodBoxes = el('div', { class: 'row wrap' }, ...compared.map((m) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', class: 'cmp-method', value: m, checked: m === 'gradcam' || m === 'saliency' }), ` ${m}`)));
  const out = el('div', { class: 'compare-out', id: 'compare-out', 'aria-live': 'polite' });
  const study = el('div', { id: 'study-out' });
  const fileInput = el('input', { type: 'file', accept: '.onnx', 'aria-label': 'second model file',
    onchange: () => { if (fileInput.files?.[0]) void openModelInto(ctx, 'b', { file: fileInput.files[0] }); } });

  const chosen = () => Array.from(methodBoxes.querySelectorAll<HTMLInputElement>('input:checked')).map((i) => i.value);
  async function explainRow(slot: Slot, method: string, layer: string | null, title: string): Promise<HTMLElement | null> {
    const model = ctx.models[slot]!;
    const r: ExplainResult | null = await ctx.run({ kind: 'explain', slot, method, options: {}, target: ctx.target, layer, view: ctx.view }, `${method} (${slot.toUpperCase()})`);
    return r ? resultCard(ctx, r, model, title, ctx.lastMs) : null;
  }

  async function compareModels(): Promise<void> {
    if (!ctx.models.a || !ctx.models.b || !ctx.picture) return;
    out.replaceChildren();
    for (const method of chosen()) {
      const a = await explainRow('a', method, null, `A: ${method}`);
      if (!a) return;
      const b = await explainRow('b', method, null, `B: ${method}`);
      if (!b) return;
      out.append(el('div', { class: 'pair', 'data-method': method }, el('h4', {}, method), a, b));
    }
  }

  async function acrossLayers(): Promise<void> {
    const model = ctx.models.a;
    if (!model || !ctx.picture) return;
    out.replaceChildren();
    // The last spatial layer of each top-level module: the map gets coarser and more semantic along the network.
    const last = new Map<string, string>();
    for (const l of model.layers) if (l.shape.length === 4 && l.shape[2] > 1) last.set(l.module?.split('.')[0] ?? l.name, l.tensor);
    const row = el('div', { class: 'pair wide' }, el('h4', {}, 'Grad-CAM across layers'));
    out.append(row);
    for (const [module, tensor] of [...last].slice(-6)) {
      const card = await explainRow('a', 'gradcam', tensor, module);
      if (!card) return;
      row.append(card);
    }
  }

  async function acrossClasses(): Promise<void> {
    const model = ctx.models.a;
    if (!model || !ctx.picture || model.values) return;
    out.replaceChildren();
    const top = await ctx.run({ kind: 'predict', slot: 'a' }, 'predicting');
    if (!top) return;
    const row = el('div', { class: 'pair wide' }, el('h4', {}, 'Grad-CAM for the top classes'));
    out.append(row);
    const kept = ctx.target;
    try {
      for (const p of top.slice(0, 3)) {
        ctx.target = p.index;
        const card = await explainRow('a', 'gradcam', null, p.label);
        if (!card) return;
        row.append(card);
      }
    } finally {
      ctx.target = kept;
    }
  }

  async function runStudy(): Promise<void> {
    const [a, b] = [ctx.models.a, ctx.models.b];
    if (!a || !b) return;
    const reply = await ctx.run({ kind: 'tankStudy' }, 'tank study');
    if (reply) study.replaceChildren(studyTable(reply, a, b));
  }

  const studyButton = el('button', { id: 'run-study', onclick: () => void runStudy(), disabled: true }, 'Run the tank study on A and B');
  const modelsChanged = () => {
    const b = ctx.models.b;
    bName.textContent = b ? `B: ${b.label} · ${b.layers.length} layers${b.notice ? ` · ${b.notice}` : ''}` : 'No second model open.';
    const isTank = (m: ModelInfo | null) => !!m && /tank-(shortcut|fixed)\.onnx$/.test(m.label);
    studyButton.disabled = !(isTank(ctx.models.a) && isTank(ctx.models.b));
    study.replaceChildren();
  };
  ctx.on('model', modelsChanged);
  ctx.on('modelB', modelsChanged);

  return el('div', { class: 'view compare' },
    el('section', {},
      el('h3', {}, 'Two models on the same picture'),
      el('p', { class: 'hint' }, 'A is the model opened on the left; open B here.'),
      el('div', { class: 'buttons' }, ...demoModels.map((m) => el('button', { class: 'demo-model-b', 'data-file': m.file, onclick: () => void openModelInto(ctx, 'b', { url: demoModelUrl(m.file) }) }, `B: ${m.title}`)),
        el('label', { class: 'field' }, 'B from a file ', fileInput)),
      bName, methodBoxes,
      el('div', { class: 'row' },
        el('button', { class: 'primary', id: 'run-compare', onclick: () => void compareModels() }, 'Compare A and B'),
        el('button', { id: 'across-layers', onclick: () => void acrossLayers() }, 'A across layers'),
        el('button', { id: 'across-classes', onclick: () => void acrossClasses() }, 'A across classes'),
        studyButton)),
    study, out);
}
