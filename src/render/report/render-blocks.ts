/** Blocks to HTML. Every string is escaped here; pictures become inline PNG data URLs. */
import { ConvlensError } from '../../errors.js';
import { pngDataUrl } from '../../image/png.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import type { Figure, GridBlock, ReportBlock, TableBlock, TextPart } from './blocks.js';
import { escapeHtml } from './escape.js';

/** Pictures narrower than this are enlarged by a whole factor, so 8 x 8 maps stay legible. */
const MIN_DISPLAY_WIDTH = 128;
const MAX_DISPLAY_WIDTH = 320;

function text(parts: TextPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? escapeHtml(p)
    : 'strong' in p ? `<strong>${escapeHtml(p.strong)}</strong>`
      : `<code>${escapeHtml(p.code)}</code>`)).join('');
}

/** Displayed width: as asked, else the natural width enlarged by a whole factor or shrunk to fit. */
function displayWidth(image: RgbImage, width?: number): number {
  if (width !== undefined) return width;
  if (image.width < MIN_DISPLAY_WIDTH) return image.width * Math.ceil(MIN_DISPLAY_WIDTH / image.width);
  return Math.min(image.width, MAX_DISPLAY_WIDTH);
}

function img(image: RgbImage, alt: string, width?: number): string {
  const w = displayWidth(image, width);
  const h = Math.max(1, Math.round((image.height * w) / image.width));
  // Enlarged pictures keep hard pixel edges: a blurred 8 x 8 heatmap would suggest detail it does not have.
  const pixelated = w > image.width ? ' class="px"' : '';
  return `<img src="${pngDataUrl(image)}" width="${w}" height="${h}" alt="${escapeHtml(alt)}"${pixelated}>`;
}

function figure(f: Figure): string {
  const caption = f.caption ? `<figcaption>${escapeHtml(f.caption)}</figcaption>` : '';
  return `<figure>${img(f.image, f.alt ?? f.caption ?? '', f.width)}${caption}</figure>`;
}

function grid(g: GridBlock): string {
  if (g.cells.length !== g.rowLabels.length || g.cells.some((row) => row.length !== g.columnLabels.length)) {
    throw new ConvlensError('BAD_INPUT',
      `A report grid has ${g.rowLabels.length} row and ${g.columnLabels.length} column labels but its cells are ${g.cells.map((r) => r.length).join(', ')} per row; give one cell per row and column (null for an empty one).`);
  }
  const head = `<tr><th></th>${g.columnLabels.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = g.cells.map((row, r) => {
    const cells = row.map((cell) => {
      if (!cell) return '<td></td>';
      const picture = cell.image ? img(cell.image, cell.caption ?? `${g.rowLabels[r]}`, g.cellWidth) : '';
      const caption = cell.caption ? `<div class="cap">${escapeHtml(cell.caption)}</div>` : '';
      return `<td${cell.image ? '' : ' class="empty"'}>${picture}${caption}</td>`;
    });
    return `<tr><th scope="row">${escapeHtml(g.rowLabels[r])}</th>${cells.join('')}</tr>`;
  });
  const caption = g.caption ? `<caption>${escapeHtml(g.caption)}</caption>` : '';
  return `<table class="grid">${caption}<thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function formatCell(value: string | number, digits: number): string {
  if (typeof value === 'string') return `<td>${escapeHtml(value)}</td>`;
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return `<td class="num">${escapeHtml(shown)}</td>`;
}

function table(t: TableBlock): string {
  const digits = t.digits ?? 3;
  const head = `<tr>${t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((row) => `<tr>${row.map((v) => formatCell(v, digits)).join('')}</tr>`);
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : '';
  return `<table class="numbers">${caption}<thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * One block as an HTML fragment.
 *
 * @example
 * renderBlock(paragraph('a < b')); // '<p>a &lt; b</p>'
 */
export function renderBlock(block: ReportBlock): string {
  switch (block.kind) {
    case 'paragraph': return `<p>${text(block.parts)}</p>`;
    case 'list': return `<ul>${block.items.map((i) => `<li>${text(i)}</li>`).join('')}</ul>`;
    case 'note': return `<p class="note ${block.tone}">${text(block.parts)}</p>`;
    case 'figures': return `<div class="figures">${block.figures.map(figure).join('')}</div>`;
    case 'grid': return grid(block);
    case 'table': return table(block);
  }
}
