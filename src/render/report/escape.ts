/** Text made safe for HTML: every report string goes through here, in content and attributes alike. */

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes the five characters with a meaning in HTML markup, so the result can stand in
 * element content and in quoted attribute values.
 *
 * @example
 * escapeHtml('<b> & "x"'); // '&lt;b&gt; &amp; &quot;x&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]);
}

/**
 * A readable fragment id from a heading: lowercase letters, digits and dashes. `+` becomes
 * `plus` so that `gradcam` and `gradcam++` get different ids.
 *
 * @example
 * slugify('resnet50: Grad-CAM++'); // 'resnet50-grad-cam-plus-plus'
 */
export function slugify(text: string): string {
  const slug = text.toLowerCase().replace(/\+/g, ' plus ').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug || 'section';
}
