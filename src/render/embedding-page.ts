/**
 * The embedding view as one self-contained HTML page: an inline SVG scatter plot coloured by
 * class, misclassified points ringed, each point's thumbnail (a data URI) shown on hover by a
 * small inline script, and the scores printed above. Nothing is fetched from the network.
 */

export interface EmbeddingPoint {
  x: number;
  y: number;
  /** Shown in the hover caption: a file path or demo id. */
  id: string;
  /** Index into `classNames`, or null without labels. */
  label: number | null;
  /** The model's class index. */
  predicted: number;
  /** The picture as a `data:image/png;base64,...` URI. */
  thumbnail: string;
}

export interface EmbeddingPageInput {
  title: string;
  points: EmbeddingPoint[];
  /** Names for class indices (labels and predictions); indices are shown when missing. */
  classNames: readonly string[] | null;
  /** Lines printed under the title, e.g. the scores and the settings. */
  notes: string[];
}

// Ten colours that stay apart for the usual colour-vision deficiencies (Okabe-Ito and Tol).
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#332288', '#882255', '#44aa99'];
const colour = (c: number) => (c < PALETTE.length ? PALETTE[c] : `hsl(${(c * 137.5) % 360} 60% 45%)`);
const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * Renders the page. Points are coloured by their label, or by the prediction when there are
 * no labels; a point whose prediction differs from its label gets a black ring.
 *
 * @example
 * const html = embeddingPage({ title: 'shapes avgpool', points, classNames: data.classNames, notes: ['neighbour preservation 0.56'] });
 */
export function embeddingPage(input: EmbeddingPageInput): string {
  const size = 640;
  const pad = 16;
  const xs = input.points.map((p) => p.x);
  const ys = input.points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = (size - 2 * pad) / Math.max(x1 - x0, y1 - y0, 1e-12);
  // One scale for both axes keeps distances true; the narrower axis is centred.
  const left = pad + (size - 2 * pad - (x1 - x0) * scale) / 2;
  const bottom = size - pad - (size - 2 * pad - (y1 - y0) * scale) / 2;
  const name = (c: number) => escape(input.classNames?.[c] ?? String(c));
  const circles = input.points.map((p, i) => {
    const cx = (left + (p.x - x0) * scale).toFixed(1);
    const cy = (bottom - (p.y - y0) * scale).toFixed(1);
    const wrong = p.label !== null && p.label !== p.predicted;
    const caption = `${escape(p.id)}: ${p.label === null ? '' : `label ${name(p.label)}, `}predicted ${name(p.predicted)}`;
    return `<circle data-i="${i}" cx="${cx}" cy="${cy}" r="${wrong ? 5 : 4}" fill="${colour(p.label ?? p.predicted)}"`
      + `${wrong ? ' stroke="#000" stroke-width="2"' : ''}><title>${caption}</title></circle>`;
  }).join('\n');
  const classes = [...new Set(input.points.map((p) => p.label ?? p.predicted))].sort((a, b) => a - b);
  const legend = classes.map((c) => `<li><span style="background:${colour(c)}"></span>${name(c)}</li>`).join('');
  const wrongCount = input.points.filter((p) => p.label !== null && p.label !== p.predicted).length;
  const thumbs = JSON.stringify(input.points.map((p) => p.thumbnail)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(input.title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; }
main { display: flex; gap: 16px; align-items: flex-start; }
svg { border: 1px solid #ccc; background: #fff; }
circle { opacity: 0.85; } circle:hover { opacity: 1; stroke: #000; stroke-width: 3; }
ul { list-style: none; padding: 0; margin: 0; } li { margin: 2px 0; }
li span { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border-radius: 6px; vertical-align: -1px; }
#hover img { width: 128px; height: 128px; image-rendering: pixelated; border: 1px solid #ccc; }
#hover p { width: 160px; overflow-wrap: anywhere; }
</style></head><body>
<h1>${escape(input.title)}</h1>
${input.notes.map((n) => `<p>${escape(n)}</p>`).join('\n')}
<main>
<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
${circles}
</svg>
<aside><ul>${legend}</ul>
<p>${input.points.length} images${wrongCount ? `; ${wrongCount} misclassified (black ring)` : ''}</p>
<div id="hover"><img alt="" hidden><p></p></div></aside>
</main>
<script>
const thumbs = ${thumbs};
const img = document.querySelector('#hover img'); const caption = document.querySelector('#hover p');
document.querySelector('svg').addEventListener('mouseover', (e) => {
  const i = e.target.dataset && e.target.dataset.i; if (i === undefined) return;
  img.src = thumbs[+i]; img.hidden = false; caption.textContent = e.target.querySelector('title').textContent;
});
</script>
</body></html>
`;
}
