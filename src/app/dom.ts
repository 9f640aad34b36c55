/** Small DOM builders for the app's views. */
import type { Picture } from './protocol.js';

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | EventListener | undefined>;

/** An element with attributes (`on*` keys become listeners, booleans toggle) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A canvas showing an RGB picture; `display` is its CSS width in pixels (small pictures are enlarged without smoothing). */
export function pictureCanvas(picture: Picture, display?: number, label = 'picture'): HTMLCanvasElement {
  const canvas = el('canvas', { width: picture.width, height: picture.height, role: 'img', 'aria-label': label });
  const rgba = new Uint8ClampedArray(picture.width * picture.height * 4);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgba[i] = picture.data[j];
    rgba[i + 1] = picture.data[j + 1];
    rgba[i + 2] = picture.data[j + 2];
    rgba[i + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, picture.width, picture.height), 0, 0);
  if (display) {
    canvas.style.width = `${display}px`;
    canvas.style.height = `${Math.round((display * picture.height) / picture.width)}px`;
  }
  return canvas;
}

/** Saves bytes as a file through a temporary same-origin blob: link. */
export function downloadBytes(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A labelled select. */
export function selectBox(label: string, options: readonly string[], value: string, onChange: (v: string) => void): HTMLLabelElement {
  const select = el('select', { onchange: () => onChange(select.value) }, ...options.map((o) => el('option', { value: o, selected: o === value }, o)));
  return el('label', { class: 'field' }, `${label} `, select);
}

export const percent = (v: number) => `${(100 * v).toFixed(1)} %`;
