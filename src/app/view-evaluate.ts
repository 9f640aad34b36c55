/**
 * The Evaluation tab: how faithful one method's map of the current picture is (deletion,
 * insertion, ROAD, confidence drop, pointing game when the picture's object box is known)
 * and the model-randomization sanity check, flagged when the map ignores the weights.
 */
import type { AppContext } from './app-context.js';
import { el, selectBox } from './dom.js';

const metrics = ['deletion', 'insertion', 'road', 'drop', 'pointing', 'randomization'];

/** A small line chart of one curve. */
function curveSvg(c: { name: string; xLabel: string; yLabel: string; x: number[]; y: number[] }): HTMLElement {
  const [w, h, pad] = [260, 120, 6];
  const [x0, x1] = [Math.min(...c.x), Math.max(...c.x)];
  const [y0, y1] = [Math.min(0, ...c.y), Math.max(1e-9, ...c.y)];
  const sx = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (w - 2 * pad);
  const sy = (v: number) => h - pad - ((v - y0) / (y1 - y0 || 1)) * (h - 2 * pad);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('width', String(w));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${c.name}: ${c.yLabel} against ${c.xLabel}`);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', c.x.map((v, i) => `${sx(v).toFixed(1)},${sy(c.y[i]).toFixed(1)}`).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#1a5fb4');
  line.setAttribute('stroke-width', '2');
  const frame = document.createElementNS(ns, 'rect');
  for (const [k, v] of [['x', pad], ['y', pad], ['width', w - 2 * pad], ['height', h - 2 * pad], ['fill', 'none'], ['stroke', '#d9dadc']] as const) frame.setAttribute(k, String(v));
  svg.append(frame, line);
  return el('figure', { class: 'card curve' }, el('figcaption', {}, el('strong', {}, c.name),
    el('span', { class: 'hint' }, `${c.yLabel} (${y0.toPrecision(2)} … ${y1.toPrecision(2)}) against ${c.xLabel}`)), svg);
}

export function buildEvaluateView(ctx: AppContext): HTMLElement {
  let method = 'gradcam';
  const methodHolder = el('span');
  const boxes = el('div', { class: 'row wrap' }, ...metrics.map((m) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', class: 'metric', value: m, checked: m === 'deletion' || m === 'randomization' }), ` ${m}`)));
  const out = el('div', { id: 'evaluation-out', 'aria-live': 'polite' });

  async function run(): Promise<void> {
    if (!ctx.models.a || !ctx.picture) return;
    out.replaceChildren();
    const chosen = Array.from(boxes.querySelectorAll<HTMLInputElement>('input:checked')).map((i) => i.value);
    const reply = await ctx.run({ kind: 'evaluate', slot: 'a', method, target: ctx.target, metrics: chosen }, `evaluating ${method}`);
    if (!reply) return;
    const flag: HTMLElement | null = reply.insensitive === null ? null : reply.insensitive
      ? el('p', { class: 'flag bad', id: 'sanity-flag' }, `Sanity check failed: ${method}'s map stays alike when every layer's weights are randomized, so it shows the picture more than what the model learned.`)
      : el('p', { class: 'flag good', id: 'sanity-flag' }, `Sanity check passed: ${method}'s map changes when the model's weights are randomized.`);
    out.append(...[flag,
      el('table', { class: 'study', id: 'evaluation-table' },
        el('thead', {}, el('tr', {}, ...['metric', 'measure', 'value', 'better'].map((t) => el('th', {}, t)))),
        el('tbody', {}, ...reply.rows.map((r) => el('tr', { 'data-name': r.name }, el('th', {}, r.metric), el('td', {}, r.name), el('td', { 'data-value': r.value }, r.value.toPrecision(3)), el('td', {}, r.better))))),
      el('div', { class: 'results' }, ...reply.curves.map(curveSvg))].filter((n): n is HTMLElement => n !== null));
  }

  ctx.on('model', () => {
    const m = ctx.models.a;
    out.replaceChildren();
    methodHolder.replaceChildren(m ? selectBox('method', m.methods.map((x) => x.name), method, (v) => { method = v; }) : '');
  });

  return el('div', { class: 'view' },
    el('p', { class: 'hint' }, 'One picture, one method: the faithfulness metrics of `convlens evaluate`. The pointing game needs a demo scene with a known object box at the model\'s input size.'),
    el('div', { class: 'row wrap controls' }, methodHolder, boxes, el('button', { class: 'primary', id: 'run-evaluation', onclick: () => void run() }, 'Evaluate')),
    out);
}
