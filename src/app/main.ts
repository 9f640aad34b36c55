/**
 * The convlens web app's page: a status bar (backend, progress, cancel, milliseconds), the
 * model and picture column, and the Explanations, Inside, Compare, Synthesis, Evaluation and
 * Datasets tabs. All compute runs
 * in worker.js; files dropped or picked never leave the browser.
 */
import { AppContext, type Status } from './app-context.js';
import { el } from './dom.js';
import { buildSidebar, openModelInto, setPicture } from './sidebar.js';
import { buildCompareView } from './view-compare.js';
import { buildDatasetsView } from './view-datasets.js';
import { buildExplainView } from './view-explain.js';
import { buildEvaluateView } from './view-evaluate.js';
import { buildInsideView } from './view-inside.js';
import { buildSynthesisView } from './view-synthesis.js';

function statusBar(): { element: HTMLElement; status: Status } {
  const backend = el('span', { id: 'backend', class: 'backend' }, 'starting…');
  const label = el('span', { id: 'status-text', role: 'status', 'aria-live': 'polite' }, 'Ready.');
  const bar = el('progress', { id: 'progress', max: 1, value: 0, hidden: true });
  const cancel = el('button', { id: 'cancel', class: 'small', hidden: true }, 'Cancel');
  const error = el('div', { id: 'error', class: 'error', role: 'alert', hidden: true });
  let onCancel: (() => void) | null = null;
  cancel.addEventListener('click', () => onCancel?.());
  const status: Status = {
    busy(what, cancelIt) {
      error.hidden = true;
      label.textContent = `${what}…`;
      bar.hidden = false;
      bar.removeAttribute('value');
      cancel.hidden = false;
      onCancel = cancelIt;
    },
    progress(done, total, what) {
      bar.max = Math.max(1, total);
      bar.value = done;
      label.textContent = `${what}: ${done} / ${total}`;
    },
    idle(ms, what) {
      bar.hidden = true;
      cancel.hidden = true;
      label.textContent = ms === null ? 'Ready.' : `${what}: ${Math.round(ms)} ms`;
    },
    error(message, code) {
      bar.hidden = true;
      cancel.hidden = true;
      label.textContent = code === 'ABORTED' ? 'Cancelled.' : 'Failed.';
      if (code === 'ABORTED') return;
      error.replaceChildren(el('div', { class: 'message' }, el('strong', {}, code ? `ConvlensError ${code}` : 'Error'), ' ', message),
        el('button', { class: 'small', 'aria-label': 'dismiss the error', onclick: () => { error.hidden = true; } }, 'Dismiss'));
      error.hidden = false;
    },
  };
  const element = el('header', { class: 'top' },
    el('h1', {}, 'convlens'), backend, el('div', { class: 'status' }, label, bar, cancel), error);
  return { element, status };
}

function tabs(views: { id: string; title: string; view: HTMLElement }[]): HTMLElement {
  const list = el('div', { role: 'tablist', class: 'tabs' });
  const panels = views.map(({ id, view }) => el('section', { role: 'tabpanel', id: `panel-${id}`, 'aria-labelledby': `tab-${id}` }, view));
  const select = (k: number) => views.forEach((_, i) => {
    const tab = list.children[i] as HTMLButtonElement;
    tab.setAttribute('aria-selected', String(i === k));
    tab.tabIndex = i === k ? 0 : -1;
    panels[i].hidden = i !== k;
  });
  views.forEach(({ id, title }, i) => list.append(el('button', { role: 'tab', id: `tab-${id}`, 'aria-controls': `panel-${id}`,
    onclick: () => select(i),
    onkeydown: (e: Event) => {
      const key = (e as KeyboardEvent).key;
      if (key !== 'ArrowRight' && key !== 'ArrowLeft') return;
      const next = (i + (key === 'ArrowRight' ? 1 : views.length - 1)) % views.length;
      select(next);
      (list.children[next] as HTMLElement).focus();
    } }, title)));
  select(0);
  return el('main', { class: 'main' }, list, ...panels);
}

/** Files dropped anywhere on the page: .onnx opens as the model, anything else as the picture. */
function acceptDrops(ctx: AppContext): void {
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dropping'); });
  document.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dropping');
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    if (/\.onnx$/i.test(file.name)) void openModelInto(ctx, 'a', { file });
    else void setPicture(ctx, { file });
  });
  document.addEventListener('paste', (e) => {
    const item = Array.from(e.clipboardData?.items ?? []).find((i) => i.type.startsWith('image/'));
    const file = item?.getAsFile();
    if (file) void setPicture(ctx, { file });
  });
}

async function start(): Promise<void> {
  const { element, status } = statusBar();
  const ctx = new AppContext(new URL('./worker.js', import.meta.url), status);
  const params = new URLSearchParams(location.search);
  const views = [
    { id: 'explain', title: 'Explanations', view: buildExplainView(ctx) },
    { id: 'inside', title: 'Inside', view: buildInsideView(ctx) },
    { id: 'compare', title: 'Compare', view: buildCompareView(ctx) },
    { id: 'synthesis', title: 'Synthesis', view: buildSynthesisView(ctx) },
    { id: 'evaluation', title: 'Evaluation', view: buildEvaluateView(ctx) },
    { id: 'datasets', title: 'Datasets', view: buildDatasetsView(ctx) },
  ];
  document.body.append(element, el('div', { class: 'layout' }, buildSidebar(ctx), tabs(views)));
  ctx.addEventListener('failure', (e) => status.error((e as CustomEvent<string>).detail, null));
  acceptDrops(ctx);
  const wanted = params.get('backend');
  const backend = await ctx.run({ kind: 'probe', backend: wanted === 'wasm' || wanted === 'webgpu' ? wanted : undefined }, 'probing the backend');
  if (backend) {
    ctx.backend = backend;
    const threads = backend.name === 'wasm' ? ` · ${backend.threads} thread${backend.threads === 1 ? '' : 's'}` : '';
    document.getElementById('backend')!.textContent = `${backend.name.toUpperCase()}${threads}`;
    if (backend.note) document.getElementById('backend')!.title = backend.note;
  }
  const model = params.get('model');
  if (model) await openModelInto(ctx, 'a', { url: new URL(model, location.href).href });
  document.body.dataset.ready = 'true';
}

void start();
