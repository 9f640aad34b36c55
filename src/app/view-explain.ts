/**
 * The Explanations tab: every registered method with its options (generated from the
 * method registry, as the command line's flags are), run side by side on the current
 * picture; overlay opacity, colour map, box or crop; PNG and .npy downloads per figure.
 */
import type { AppContext } from './app-context.js';
import { downloadBytes, el, percent, pictureCanvas, selectBox } from './dom.js';
import type { ExplainResult, MethodInfo, ModelInfo } from './protocol.js';

export const colormaps = ['viridis', 'jet', 'inferno', 'gray', 'bwr'] as const;
const defaultMethods = new Set(['gradcam', 'guided', 'saliency']);

/** One option's input: a checkbox for a switch, a select for a fixed set of words, else a text field (empty = the method's default). */
function optionInput(method: string, o: MethodInfo['options'][number]): HTMLElement {
  const id = `opt-${method}-${o.flag}`.replace(/[^\w-]/g, '_');
  const words = o.value?.split('|');
  let input: HTMLInputElement | HTMLSelectElement;
  if (o.value === undefined) input = el('input', { type: 'checkbox', id, 'data-flag': o.flag });
  else if (words && words.length > 1 && words.every((w) => /^[a-z][\w-]*$/.test(w))) {
    input = el('select', { id, 'data-flag': o.flag }, el('option', { value: '' }, 'default'), ...words.map((w) => el('option', { value: w }, w)));
  } else input = el('input', { type: 'text', id, 'data-flag': o.flag, placeholder: o.value, size: 6 });
  return el('div', { class: 'option' }, el('label', { for: id, title: o.help }, `--${o.flag}`), input, el('span', { class: 'hint' }, o.help));
}

function readOptions(box: HTMLElement): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const input of Array.from(box.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-flag]'))) {
    const flag = input.dataset.flag!;
    if (input instanceof HTMLInputElement && input.type === 'checkbox') { if (input.checked) out[flag] = true; }
    else if (input.value.trim() !== '') out[flag] = input.value.trim();
  }
  return out;
}

/** A result figure with its caption and downloads; re-rendered in place when the view options change. */
export function resultCard(ctx: AppContext, r: ExplainResult, model: ModelInfo, title: string, ms: number): HTMLElement {
  const holder = el('div', { class: 'figure' }, pictureCanvas(r.image, undefined, `${r.method} map`));
  const base = `${model.label.replace(/\.onnx$/, '').split('/').pop()}.${r.method}`;
  const download = async (format: 'png' | 'npy') => {
    const bytes = await ctx.run({ kind: 'download', resultId: r.resultId, format, view: ctx.view }, `saving ${format}`);
    if (bytes) downloadBytes(bytes, `${base}.${format}`, format === 'png' ? 'image/png' : 'application/octet-stream');
  };
  const target = r.target >= 0 ? `${model.labels?.[r.target] ?? `class ${r.target}`}` : '';
  const layer = r.layer && (model.layers.find((l) => l.tensor === r.layer || l.name === r.layer)?.module ?? r.layer);
  const card = el('figure', { class: 'card', 'data-method': r.method, 'data-result': r.resultId, 'data-ms': ms.toFixed(1) },
    el('figcaption', {}, el('strong', {}, title), el('span', { class: 'hint' }, [target, layer, `${Math.round(ms)} ms`].filter(Boolean).join(' · '))),
    holder,
    r.shareInBox === null ? null : el('p', { class: 'share' }, `in the object's box: ${percent(r.shareInBox)}`),
    el('div', { class: 'row' },
      el('button', { class: 'small', onclick: () => void download('png') }, 'PNG'),
      el('button', { class: 'small', onclick: () => void download('npy') }, 'raw .npy')));
  const rerender = async () => {
    // A figure that left the page stops listening.
    if (!card.isConnected) {
      ctx.removeEventListener('view', listener);
      return;
    }
    const image = await ctx.run({ kind: 'render', resultId: r.resultId, view: ctx.view }, 'drawing');
    if (image) holder.replaceChildren(pictureCanvas(image, undefined, `${r.method} map`));
  };
  const listener = () => void rerender();
  ctx.on('view', listener);
  return card;
}

export function viewControls(ctx: AppContext): HTMLElement {
  const alpha = el('input', { type: 'range', min: 0, max: 1, step: 0.05, value: ctx.view.alpha, id: 'alpha',
    oninput: () => { ctx.view = { ...ctx.view, alpha: Number(alpha.value) }; }, onchange: () => ctx.changed('view') });
  return el('div', { class: 'row controls' },
    el('label', { class: 'field', for: 'alpha' }, 'overlay opacity '), alpha,
    selectBox('colour map', colormaps, ctx.view.colormap, (v) => { ctx.view = { ...ctx.view, colormap: v }; ctx.changed('view'); }),
    selectBox('heatmap mark', ['none', 'box', 'crop'], ctx.view.mark, (v) => { ctx.view = { ...ctx.view, mark: v as 'none' | 'box' | 'crop' }; ctx.changed('view'); }));
}

export function buildExplainView(ctx: AppContext): HTMLElement {
  const methodList = el('div', { class: 'methods' });
  const layerSelect = el('select', { id: 'cam-layer' });
  const results = el('div', { class: 'results', id: 'explain-results', 'aria-live': 'polite' });
  const runButton = el('button', { class: 'primary', id: 'run-explain', onclick: () => void run() }, 'Explain');
  const targetLine = el('p', { class: 'hint', id: 'target-line' });

  // Grad-CAM first: the quickest map that says most, shown while the others run.
  const chosen = () => Array.from(methodList.querySelectorAll<HTMLElement>('.method'))
    .filter((box) => box.querySelector<HTMLInputElement>('input.use')!.checked)
    .map((box) => ({ name: box.dataset.method!, options: readOptions(box) }))
    .sort((a, b) => Number(b.name === 'gradcam') - Number(a.name === 'gradcam'));

  async function run(): Promise<void> {
    const model = ctx.models.a;
    results.replaceChildren();
    if (!model || !ctx.picture) {
      results.append(el('p', { class: 'hint' }, model ? 'Pick a picture first.' : 'Open a model and pick a picture first.'));
      return;
    }
    for (const m of chosen()) {
      const reply = await ctx.run({ kind: 'explain', slot: 'a', method: m.name, options: m.options, target: ctx.target, layer: layerSelect.value || null, view: ctx.view }, m.name);
      if (!reply) return;
      results.append(resultCard(ctx, reply, model, m.name, ctx.lastMs));
    }
  }

  ctx.on('model', () => {
    const model = ctx.models.a;
    results.replaceChildren();
    if (!model) return;
    methodList.replaceChildren(...model.methods.map((m) => {
      const id = `use-${m.name}`.replace(/[^\w-]/g, '_');
      const usable = !m.gradients || model.differentiable;
      return el('details', { class: 'method', 'data-method': m.name },
        el('summary', {},
          el('input', { type: 'checkbox', class: 'use', id, checked: usable && defaultMethods.has(m.name), disabled: !usable }),
          el('label', { for: id }, m.name), el('span', { class: 'hint' }, m.description)),
        ...m.options.map((o) => optionInput(m.name, o)),
        m.options.length === 0 ? el('p', { class: 'hint' }, 'no options beyond the target and layer') : null);
    }));
    const spatial = model.layers.filter((l) => l.shape.length === 4);
    layerSelect.replaceChildren(...spatial.map((l) => el('option', { value: l.tensor, selected: l.tensor === model.camLayer },
      `${l.module ?? l.name} · ${l.op} ${l.shape.slice(1).join('×')}`)));
  });
  const describeTarget = () => {
    const m = ctx.models.a;
    targetLine.textContent = ctx.target === null ? 'Target: the top prediction (click a prediction to explain another class).'
      : `Target: ${m?.labels?.[ctx.target] ?? `class ${ctx.target}`} (class ${ctx.target}).`;
  };
  ctx.on('model', describeTarget);
  ctx.on('target', () => { describeTarget(); void run(); });
  ctx.on('picture', () => { if (ctx.models.a && results.childElementCount > 0) void run(); });
  describeTarget();

  return el('div', { class: 'view' },
    el('div', { class: 'explain-top' },
      el('div', {}, el('h3', {}, 'Methods'), methodList),
      el('div', { class: 'explain-side' },
        el('label', { class: 'field', for: 'cam-layer' }, 'layer of the CAM methods'), layerSelect,
        targetLine, viewControls(ctx), runButton)),
    results);
}
