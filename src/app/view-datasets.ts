/**
 * The Datasets tab: a scan folder written by `convlens scan`, opened from the disk (nothing
 * is uploaded): its layers, and per layer each unit's figure (top images with the receptive
 * field of the strongest position) and what labels its top images carry.
 */
import type { AppContext } from './app-context.js';
import { el, percent } from './dom.js';

interface ScanLayer { name: string; folder: string; shape: number[]; receptiveField: { kind: string; largest?: number[] } }
interface ScanUnit { channel: number; figure: string; top: { id: string; label: string | null; score: number }[] }

/** Files of a picked folder by their path inside it (the folder's own name dropped). */
function byPath(files: FileList): Map<string, File> {
  const out = new Map<string, File>();
  for (const file of Array.from(files)) out.set(file.webkitRelativePath.split('/').slice(1).join('/') || file.name, file);
  return out;
}

/** The most common label among a unit's top images, and its share. */
function mainLabel(unit: ScanUnit): string {
  const counts = new Map<string, number>();
  for (const t of unit.top) if (t.label !== null) counts.set(t.label, (counts.get(t.label) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  return best ? `most common label "${best[0]}": ${percent(best[1] / unit.top.length)} of its top images` : 'no labels';
}

export function buildDatasetsView(ctx: AppContext): HTMLElement {
  const summary = el('div', { id: 'scan-summary' });
  const units = el('div', { class: 'results', id: 'scan-units' });
  const urls: string[] = [];
  let files = new Map<string, File>();

  const readJson = async (path: string): Promise<unknown> => {
    const file = files.get(path);
    if (!file) throw new Error(`The folder has no ${path}; open the folder \`convlens scan --out\` wrote.`);
    return JSON.parse(await file.text());
  };
  const fail = (e: unknown) => ctx.dispatchEvent(new CustomEvent('failure', { detail: (e as Error).message }));

  async function showLayer(layer: ScanLayer): Promise<void> {
    urls.splice(0).forEach((u) => URL.revokeObjectURL(u));
    const data = await readJson(`${layer.folder}/units.json`) as { units: ScanUnit[] };
    units.replaceChildren(...data.units.map((u) => {
      const file = files.get(`${layer.folder}/${u.figure}`);
      const url = file ? URL.createObjectURL(file) : '';
      if (url) urls.push(url);
      return el('figure', { class: 'card unit', 'data-channel': u.channel },
        el('figcaption', {}, el('strong', {}, `unit ${u.channel}`), el('span', { class: 'hint' }, mainLabel(u))),
        url ? el('img', { src: url, alt: `top images of unit ${u.channel}` }) : el('p', { class: 'hint' }, `${u.figure} is missing`));
    }));
  }

  async function open(list: FileList): Promise<void> {
    files = byPath(list);
    try {
      const scan = await readJson('scan.json') as { dataset: { name: string; images: number }; layers: ScanLayer[]; accuracy?: { overall: number } | null };
      const select = el('select', { id: 'scan-layer', onchange: () => void showLayer(scan.layers[Number(select.value)]).catch(fail) },
        ...scan.layers.map((l, i) => el('option', { value: i }, `${l.name} · ${l.shape.join('×')}`)));
      summary.replaceChildren(el('p', {}, `${scan.dataset.name}: ${scan.dataset.images} images, ${scan.layers.length} layer${scan.layers.length === 1 ? '' : 's'}`
        + (scan.accuracy ? `, accuracy ${percent(scan.accuracy.overall)}` : '')), el('label', { class: 'field' }, 'layer ', select));
      if (scan.layers.length > 0) await showLayer(scan.layers[0]);
    } catch (e) {
      summary.replaceChildren();
      units.replaceChildren();
      fail(e);
    }
  }

  const input = el('input', { type: 'file', id: 'scan-folder', webkitdirectory: true, multiple: true, 'aria-label': 'scan folder',
    onchange: () => { if (input.files?.length) void open(input.files); } });
  return el('div', { class: 'view' },
    el('p', { class: 'hint' }, 'Open a folder written by `convlens scan` (e.g. convlens scan --model M.onnx --out my-scan): each unit\'s top images, read from your disk.'),
    el('label', { class: 'field' }, 'scan folder ', input), summary, units);
}
