import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import { decodeImageBytes } from '../../src/node/codecs.js';
import {
  bulletList, figureRow, imageGrid, note, numberTable, paragraph, ReportBuilder, slugify,
} from '../../src/render/report/index.js';

/** A picture whose every pixel differs from its neighbours, so a lossy or shifted copy shows. */
function picture(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 101 + ((i * i) >> 3)) & 0xff;
  return { width, height, data };
}

/** Every `<img src>` data URL in the page, in order. */
const imageSources = (html: string) => [...html.matchAll(/<img src="([^"]*)"/g)].map((m) => m[1]);

function pngBytes(dataUrl: string): Uint8Array {
  expect(dataUrl.startsWith('data:image/png;base64,')).toBe(true);
  return new Uint8Array(Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64'));
}

/** Width and height from the IHDR chunk, after checking the PNG signature. */
function ihdrSize(png: Uint8Array): [number, number] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  const view = new DataView(png.buffer, png.byteOffset);
  return [view.getUint32(16), view.getUint32(20)];
}

const hostile = `<script>alert("x")</script> & 'quotes' "double"`;

describe('ReportBuilder', () => {
  it('escapes every string: title, lead, headings, paragraphs, captions, labels, table cells', () => {
    const r = new ReportBuilder(`T ${hostile}`, { lead: `L ${hostile}` });
    r.section(`H ${hostile}`,
      paragraph(`P ${hostile}`, { strong: `S ${hostile}` }, { code: `C ${hostile}` }),
      bulletList([`B ${hostile}`]),
      note('warning', `N ${hostile}`),
      figureRow([{ image: picture(4, 4, 1), caption: `F ${hostile}` }]),
      imageGrid({ rowLabels: [`R ${hostile}`], columnLabels: [`G ${hostile}`], cells: [[{ caption: `X ${hostile}` }]], caption: `GC ${hostile}` }),
      numberTable({ columns: [`K ${hostile}`], rows: [[`V ${hostile}`]] }));
    const html = r.toHtml();
    expect(html).not.toContain('<script');
    expect(html).not.toContain(`'quotes'`);
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; &quot;double&quot;';
    for (const tag of ['T', 'L', 'H', 'P', 'S', 'C', 'B', 'N', 'F', 'R', 'G', 'X', 'GC', 'K', 'V']) {
      expect(html, tag).toContain(`${tag} ${escaped}`);
    }
    // The figure's caption is also its alt text, escaped inside the attribute.
    expect(html).toContain(`alt="F ${escaped}"`);
  });

  it('gives every section an id and heading, in order, with a table of contents that links them', () => {
    const r = new ReportBuilder('report');
    const ids = [
      r.section('Overview', paragraph('first')),
      r.section({ title: 'Grad-CAM++ on resnet', level: 3 }, paragraph('second')),
      r.section('Overview', paragraph('third')),
      r.section({ title: 'custom', id: 'my_id' }, paragraph('fourth')),
      r.section('123 numbers'),
    ];
    expect(ids).toEqual(['overview', 'grad-cam-plus-plus-on-resnet', 'overview-2', 'my_id', 's-123-numbers']);
    r.append('overview-2', paragraph('appended'));
    const html = r.toHtml();
    const sections = [...html.matchAll(/<section id="([^"]+)" class="level(\d)"><h(\d)>([^<]*)<\/h\d>/g)].map((m) => [m[1], m[2], m[3], m[4]]);
    expect(sections).toEqual([
      ['overview', '2', '2', 'Overview'],
      ['grad-cam-plus-plus-on-resnet', '3', '3', 'Grad-CAM++ on resnet'],
      ['overview-2', '2', '2', 'Overview'],
      ['my_id', '2', '2', 'custom'],
      ['s-123-numbers', '2', '2', '123 numbers'],
    ]);
    expect(html).toMatch(/<section id="overview-2"[^]*<p>third<\/p>\n<p>appended<\/p>\n<\/section>/);
    const nav = /<nav class="contents"[^>]*>(.*)<\/nav>/.exec(html)![1];
    expect([...nav.matchAll(/href="#([^"]+)"/g)].map((m) => m[1])).toEqual(ids);
    expect(nav).toContain('<li><a href="#overview">Overview</a><ul><li><a href="#grad-cam-plus-plus-on-resnet">');
    expect(new ReportBuilder('x', { contents: false }).toHtml()).not.toContain('<nav');
  });

  it('rejects duplicate or malformed explicit ids and appends to unknown sections', () => {
    const r = new ReportBuilder('x');
    r.section({ title: 'a', id: 'a' });
    for (const bad of [() => r.section({ title: 'b', id: 'a' }), () => r.section({ title: 'b', id: '"><x' }), () => r.append('nope', paragraph('p'))]) {
      expect(bad).toThrow(ConvlensError);
    }
    expect(slugify('resnet50: Grad-CAM++')).toBe('resnet50-grad-cam-plus-plus');
    expect(slugify('***')).toBe('section');
  });

  it('embeds every picture as a PNG data URL that decodes to the same pixels, sized in the img tag', async () => {
    const images = [picture(8, 6, 1), picture(200, 100, 2), picture(640, 10, 3), picture(3, 5, 4), picture(7, 7, 5)];
    const r = new ReportBuilder('pictures');
    r.section('figures', figureRow([{ image: images[0], caption: 'small' }, { image: images[1] }, { image: images[2], width: 100 }]));
    r.section('grid', imageGrid({ rowLabels: ['r1', 'r2'], columnLabels: ['c1', 'c2'], cells: [[{ image: images[3], caption: 'a' }, null], [{ caption: 'text only' }, { image: images[4] }]] }));
    const html = r.toHtml();
    const sources = imageSources(html);
    expect(sources).toHaveLength(images.length);
    for (const [i, src] of sources.entries()) {
      const png = pngBytes(src);
      expect(ihdrSize(png)).toEqual([images[i].width, images[i].height]);
      const decoded = await decodeImageBytes(png, `image ${i}`);
      expect([decoded.width, decoded.height]).toEqual([images[i].width, images[i].height]);
      expect(Buffer.compare(Buffer.from(decoded.data), Buffer.from(images[i].data)), `image ${i} pixels`).toBe(0);
    }
    // Small pictures are enlarged by a whole factor with hard pixel edges; large ones shrink to fit; width wins when given.
    const sizes = [...html.matchAll(/<img src="[^"]*" width="(\d+)" height="(\d+)"[^>]*?( class="px")?>/g)].map((m) => [Number(m[1]), Number(m[2]), Boolean(m[3])]);
    expect(sizes).toEqual([[128, 96, true], [200, 100, false], [100, 2, false], [129, 215, true], [133, 133, true]]);
    expect(html).toContain('<td class="empty"><div class="cap">text only</div></td>');
    expect(html).toMatch(/<tr><th scope="row">r1<\/th><td><img [^>]*><div class="cap">a<\/div><\/td><td><\/td><\/tr>/);
  });

  it('makes no request: every src and href is a data: URL or a #fragment, and a CSP forbids anything else', () => {
    const r = new ReportBuilder('offline');
    r.section('one', figureRow([{ image: picture(4, 4, 9), caption: 'http://example.com/x.png' }]), paragraph('see https://example.com and //cdn.example'));
    r.section('two', imageGrid({ rowLabels: ['a'], columnLabels: ['b'], cells: [[{ image: picture(5, 5, 2) }]] }));
    const html = r.toHtml();
    const urls = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBe(5); // favicon, 2 contents links, 2 images
    for (const url of urls) expect(url).toMatch(/^(data:|#)/);
    expect(html).not.toMatch(/\s(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(|<script|<link rel="stylesheet"/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`);
  });

  it('formats number tables: integers as they are, other numbers with the given decimals', () => {
    const r = new ReportBuilder('numbers');
    r.section('t', numberTable({ columns: ['name', 'n', 'p'], rows: [['a', 3, 61.234], ['b', -2, 0.05]], digits: 1, caption: 'cap' }));
    const html = r.toHtml();
    expect(html).toContain('<table class="numbers"><caption>cap</caption><thead><tr><th scope="col">name</th><th scope="col">n</th><th scope="col">p</th></tr></thead>');
    expect(html).toContain('<tr><td>a</td><td class="num">3</td><td class="num">61.2</td></tr><tr><td>b</td><td class="num">-2</td><td class="num">0.1</td></tr>');
  });

  it('rejects a grid whose cells do not match its labels', () => {
    const r = new ReportBuilder('bad grid');
    r.section('g', imageGrid({ rowLabels: ['a', 'b'], columnLabels: ['x'], cells: [[null]] }));
    expect(() => r.toHtml()).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
