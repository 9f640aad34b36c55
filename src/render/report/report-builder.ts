/**
 * A self-contained HTML report: one file with its pictures inline as PNG data URLs, its
 * stylesheet inline, no scripts and no request of any kind, so it opens the same from a
 * disk, an e-mail attachment or an offline machine. A Content-Security-Policy forbids
 * every fetch but data: images, so a future block that slipped in a URL would fail visibly.
 */
import { ConvlensError } from '../../errors.js';
import type { ReportBlock } from './blocks.js';
import { escapeHtml, slugify } from './escape.js';
import { renderBlock } from './render-blocks.js';
import { reportCss } from './style.js';

/** A section's heading, with an explicit fragment id or level when the slug of the title will not do. */
export interface SectionHeading {
  title: string;
  /** Fragment id; default: the slug of the title, made unique. */
  id?: string;
  /** 2 (default) for a top-level section, 3 for one under the previous level-2 section. */
  level?: 2 | 3;
}

export interface ReportSection {
  id: string;
  title: string;
  level: 2 | 3;
  blocks: ReportBlock[];
}

export interface ReportOptions {
  /** A line under the title. */
  lead?: string;
  /** Table of contents linking every section; default true. */
  contents?: boolean;
}

const idPattern = /^[A-Za-z][A-Za-z0-9_-]*$/;

const contentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/**
 * Collects sections of blocks and writes them as one HTML page.
 *
 * @example
 * const r = new ReportBuilder('convlens report', { lead: 'resnet50 on 2 images' });
 * const id = r.section('Predictions', paragraph('Top-5 classes per image.'), numberTable({ columns: ['class', '%'], rows: [['tabby', 62.1]], digits: 1 }));
 * r.section({ title: 'Grad-CAM', id: 'gradcam', level: 3 }, figureRow([{ image: overlay, caption: 'cat' }]));
 * const html = r.toHtml(); // write it to a .html file
 */
export class ReportBuilder {
  private readonly list: ReportSection[] = [];

  constructor(readonly title: string, private readonly options: ReportOptions = {}) {}

  /** The sections so far, in order. */
  get sections(): readonly ReportSection[] {
    return this.list;
  }

  /**
   * Adds a section and returns its id. An explicit id must be unique and start with a
   * letter; a title's slug gets `-2`, `-3`... when already taken.
   */
  section(heading: string | SectionHeading, ...blocks: ReportBlock[]): string {
    const h = typeof heading === 'string' ? { title: heading } : heading;
    const taken = (id: string) => this.list.some((s) => s.id === id);
    let id: string;
    if (h.id !== undefined) {
      if (!idPattern.test(h.id) || taken(h.id)) {
        throw new ConvlensError('BAD_INPUT', `Report section id "${h.id}" is ${taken(h.id) ? 'already used' : 'not a valid id'}; give a unique id of letters, digits, "-" and "_" starting with a letter.`);
      }
      id = h.id;
    } else {
      const slug = slugify(h.title);
      const base = /^[a-z]/.test(slug) ? slug : `s-${slug}`;
      id = base;
      for (let k = 2; taken(id); k++) id = `${base}-${k}`;
    }
    this.list.push({ id, title: h.title, level: h.level ?? 2, blocks });
    return id;
  }

  /**
   * Appends blocks to a section added earlier, for content computed after its heading.
   *
   * @example
   * const id = r.section('Models'); for (const m of models) r.append(id, paragraph(m.name));
   */
  append(id: string, ...blocks: ReportBlock[]): void {
    const s = this.list.find((x) => x.id === id);
    if (!s) throw new ConvlensError('BAD_INPUT', `No report section has the id "${id}"; add it with section() first.`);
    s.blocks.push(...blocks);
  }

  private contents(): string {
    if (this.options.contents === false || this.list.length === 0) return '';
    const link = (s: ReportSection) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`;
    const items: string[] = [];
    // Level-3 sections nest under the level-2 section before them.
    for (let i = 0; i < this.list.length;) {
      const top = this.list[i++];
      const children: ReportSection[] = [];
      while (top.level === 2 && i < this.list.length && this.list[i].level === 3) children.push(this.list[i++]);
      const sub = children.length > 0 ? `<ul>${children.map((c) => `<li>${link(c)}</li>`).join('')}</ul>` : '';
      items.push(`<li>${link(top)}${sub}</li>`);
    }
    return `<nav class="contents" aria-label="Contents"><ul>${items.join('')}</ul></nav>`;
  }

  /**
   * The whole page as an HTML string.
   *
   * @example
   * await writeFile('report.html', r.toHtml());
   */
  toHtml(): string {
    const sections = this.list.map((s) => {
      const tag = `h${s.level}`;
      const body = s.blocks.map(renderBlock).join('\n');
      return `<section id="${escapeHtml(s.id)}" class="level${s.level}"><${tag}>${escapeHtml(s.title)}</${tag}>\n${body}\n</section>`;
    });
    const lead = this.options.lead ? `<p class="lead">${escapeHtml(this.options.lead)}</p>` : '';
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(this.title)}</title>
<link rel="icon" href="data:,">
<style>${reportCss}</style>
</head>
<body>
<header><h1>${escapeHtml(this.title)}</h1>${lead}</header>
${this.contents()}
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
  }
}
