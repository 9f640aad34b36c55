/**
 * The embedding page in Chromium: it loads with nothing fetched but itself and no errors,
 * and hovering a point shows that image's thumbnail and caption.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../src/image/png.js';
import { embeddingPage, type EmbeddingPoint } from '../../src/render/embedding-page.js';
import { tempDir } from '../cli/cli-harness.js';
import { openPage } from './chromium.js';

// A distinct one-pixel PNG per point: the hover must show the hovered point's own picture.
const pixel = (i: number) => `data:image/png;base64,${Buffer.from(encodePng({ width: 1, height: 1, data: new Uint8ClampedArray([i * 10, 0, 0]) })).toString('base64')}`;

describe('embedding page in Chromium', () => {
  it('is self-contained and shows the hovered point\'s thumbnail', async () => {
    const points: EmbeddingPoint[] = Array.from({ length: 20 }, (_, i) => ({
      x: i % 5, y: Math.floor(i / 5), id: `demo/${i}`, label: i % 3, predicted: i === 7 ? 0 : i % 3, thumbnail: pixel(i),
    }));
    const file = join(tempDir('convlens-embed-page-'), 'page.html');
    writeFileSync(file, embeddingPage({ title: 'test', points, classNames: ['a', 'b', 'c'], notes: ['neighbour preservation 0.500'] }));
    const url = pathToFileURL(file).href;
    const { browser, page, problems, requests } = await openPage(url);
    try {
      await page.hover('circle[data-i="7"]');
      expect(await page.getAttribute('#hover img', 'src')).toBe(pixel(7));
      expect(await page.textContent('#hover p')).toBe('demo/7: label b, predicted a');
      expect(await page.locator('circle[stroke="#000"]').count()).toBe(1);
      expect(requests.filter((r) => !r.startsWith('data:'))).toEqual([url]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
