/**
 * The Inside tab: the layers in execution order with module paths and shapes, grouped by
 * top-level module (collapsible); a layer's feature maps for the current picture (ordered
 * by index or mean, shared or per-map colour range) and, for a Conv layer, its filters.
 */
import type { AppContext } from './app-context.js';
import { el, pictureCanvas, selectBox } from './dom.js';
import type { WorkerError } from './client.js';
import type { FeatureMapsReply, GridGeometry, LayerInfo } from './protocol.js';

/** The channel and unit under a point of the feature-map grid (in grid pixels), or null between tiles. */
function unitAt(g: GridGeometry, shown: number, px: number, py: number): { tile: number; y: number; x: number } | null {
  const column = Math.floor((px - g.padding) / (g.cellWidth + g.padding));
  const row = Math.floor((py - g.padding) / (g.cellHeight + g.labelHeight + g.padding));
  const ox = px - g.padding - column * (g.cellWidth + g.padding);
  const oy = py - g.padding - row * (g.cellHeight + g.labelHeight + g.padding);
  const tile = row * g.columns + column;
  if (column < 0 || column >= g.columns || row < 0 || tile >= shown || ox < 0 || oy < 0 || ox >= g.cellWidth || oy >= g.cellHeight) return null;
  return { tile, y: Math.floor(oy / g.scale), x: Math.floor(ox / g.scale) };
}

/**
 * Shows, beside the feature maps, the input pixels the unit under the pointer sees. One
 * request at a time; the latest unit pointed at is asked next.
 */
function pointUnits(ctx: AppContext, canvas: HTMLCanvasElement, fm: FeatureMapsReply, layer: LayerInfo, out: HTMLElement): void {
  const g = fm.geometry;
  if (!g) return;
  let wanted: { tile: number; y: number; x: number } | null = null;
  let pending = false;
  const key = (u: typeof wanted) => (u ? `${u.tile}:${u.y}:${u.x}` : '');
  let shownKey = '';
  const ask = async (): Promise<void> => {
    if (pending || !wanted || key(wanted) === shownKey) return;
    const unit = wanted;
    pending = true;
    try {
      const { value } = await ctx.client.send({ kind: 'receptiveField', slot: 'a', layer: layer.tensor, y: unit.y, x: unit.x }).result;
      shownKey = key(unit);
      const { y0, y1, x0, x1 } = value.box;
      out.replaceChildren(pictureCanvas(value.image, 192, 'receptive field'),
        el('p', { class: 'hint' }, `channel ${fm.order[unit.tile]}, unit (${unit.y}, ${unit.x}) sees input rows ${y0}–${y1 - 1}, columns ${x0}–${x1 - 1}${value.kind === 'global' ? ' (a global op on the way: all of it)' : ''}`));
    } catch (e) {
      shownKey = key(unit);
      out.replaceChildren(el('p', { class: 'hint' }, (e as WorkerError).message));
    } finally {
      pending = false;
    }
    void ask();
  };
  canvas.addEventListener('mousemove', (e) => {
    const px = (e.offsetX / canvas.clientWidth) * canvas.width;
    const py = (e.offsetY / canvas.clientHeight) * canvas.height;
    wanted = unitAt(g, fm.shown, px, py);
    void ask();
  });
}

/** Display width of a grid: small grids enlarged by a whole factor (crisp pixels), none wider than 900 px. */
const enlarged = (width: number) => Math.min(900, width * Math.max(1, Math.floor(480 / width)));

/** Consecutive layers under the same top-level module, in execution order. */
function groupByModule(layers: LayerInfo[]): { module: string; layers: LayerInfo[] }[] {
  const groups: { module: string; layers: LayerInfo[] }[] = [];
  for (const layer of layers) {
    const top = layer.module?.split('.')[0] ?? '(unnamed)';
    const last = groups[groups.length - 1];
    if (last && last.module === top) last.layers.push(layer);
    else groups.push({ module: top, layers: [layer] });
  }
  return groups;
}

export function buildInsideView(ctx: AppContext): HTMLElement {
  const tree = el('nav', { class: 'layers', id: 'layer-list', 'aria-label': 'layers' });
  const detail = el('div', { class: 'layer-detail', id: 'layer-detail' }, el('p', { class: 'hint' }, 'Pick a layer to see its feature maps and filters.'));
  let selected: LayerInfo | null = null;
  let order: 'index' | 'mean' = 'index';
  let range: 'shared' | 'per-channel' = 'per-channel';

  async function show(layer: LayerInfo): Promise<void> {
    selected = layer;
    for (const b of Array.from(tree.querySelectorAll<HTMLButtonElement>('button.layer'))) b.setAttribute('aria-current', String(b.dataset.tensor === layer.tensor));
    const heading = el('h3', {}, `${layer.module ?? layer.name}`, el('span', { class: 'hint' }, ` ${layer.op} · [${layer.shape.join(', ')}] · ${layer.name}`));
    const controls = el('div', { class: 'row controls' },
      selectBox('order', ['index', 'mean'], order, (v) => { order = v as typeof order; void show(layer); }),
      selectBox('colour range', ['per-channel', 'shared'], range, (v) => { range = v as typeof range; void show(layer); }));
    const maps = el('div', { class: 'feature-maps', id: 'feature-maps' });
    const filterBox = el('div', { class: 'filters', id: 'filters' });
    detail.replaceChildren(heading, controls, maps, filterBox);
    if (ctx.picture) {
      const fm = await ctx.run({ kind: 'featureMaps', slot: 'a', layer: layer.tensor, order, range, colormap: ctx.view.colormap }, `feature maps of ${layer.module ?? layer.name}`);
      if (fm && selected === layer) {
        const note = `${fm.shown} of ${fm.total} channels, by ${order}${fm.range ? `, one range ${fm.range[0].toPrecision(3)} … ${fm.range[1].toPrecision(3)}` : ', each map its own range'}`;
        const canvas = pictureCanvas(fm.image, enlarged(fm.image.width), 'feature maps');
        const field = el('div', { class: 'receptive-field', id: 'receptive-field' },
          fm.geometry ? el('p', { class: 'hint' }, 'Point at a unit to see the input pixels it sees.') : null);
        maps.replaceChildren(el('h4', {}, 'Feature maps ', el('span', { class: 'hint' }, note)), el('div', { class: 'maps-row' }, canvas, field));
        pointUnits(ctx, canvas, fm, layer, field);
      }
    } else maps.replaceChildren(el('p', { class: 'hint' }, 'Pick a picture to see this layer\'s feature maps.'));
    if (layer.conv) {
      const f = await ctx.run({ kind: 'filters', slot: 'a', layer: layer.name, range: range === 'shared' ? 'shared' : 'per-filter' }, 'filters');
      if (f && selected === layer) {
        filterBox.replaceChildren(el('h4', {}, 'Filters ', el('span', { class: 'hint' }, `${f.shown.filters} of ${f.total[0]} kernels [${f.total.join(', ')}]`)),
          pictureCanvas(f.image, enlarged(f.image.width), 'filters'));
      }
    }
  }

  ctx.on('model', () => {
    const model = ctx.models.a;
    selected = null;
    detail.replaceChildren(el('p', { class: 'hint' }, 'Pick a layer to see its feature maps and filters.'));
    if (!model) { tree.replaceChildren(); return; }
    tree.replaceChildren(...groupByModule(model.layers).map((g) => el('details', { open: model.layers.length <= 60 },
      el('summary', {}, `${g.module} `, el('span', { class: 'hint' }, `${g.layers.length}`)),
      el('ol', {}, ...g.layers.map((l) => el('li', {}, el('button', { class: 'layer', 'data-tensor': l.tensor, onclick: () => void show(l) },
        el('span', { class: 'module' }, l.module ?? l.name), el('span', { class: 'op' }, l.op), el('span', { class: 'shape' }, l.shape.slice(1).join('×')))))))));
  });
  ctx.on('picture', () => { if (selected) void show(selected); });
  return el('div', { class: 'view inside' }, tree, detail);
}
