import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../npy-reader.js';
import { featureMaps } from '../../src/methods/feature-maps.js';
import { filters } from '../../src/methods/filters.js';
import { featureMapGrids } from '../../src/render/feature-map-grid.js';
import { filterGrid } from '../../src/render/filter-grid.js';
import { decodeImageFile } from '../../src/node/codecs.js';
import { loadImage, loadModel } from '../../src/node/index.js';
import { containsImage, fixtureModel, listFiles, runCli, tempDir, testPng } from './cli-harness.js';

describe('convlens filters and features', () => {
  const model = fixtureModel('resnet_basic.legacy-dynbatch');

  it('filters writes the grid the library draws and the raw weights', async () => {
    const dir = tempDir();
    const file = join(dir, 'f.png');
    const r = await runCli(['filters', '--model', model, '--layer', 'conv1', '--range', 'shared', '--out', file, '--raw']);
    expect(r.code, r.err).toBe(0);
    const lib = filters(await loadModel(model), 'conv1');
    const grid = filterGrid(lib, { range: 'shared' }).image;
    const png = await decodeImageFile(file);
    // The library's grid, under a title and beside a colour bar.
    expect(containsImage(png, grid)).toBe(true);
    expect(png.height).toBeGreaterThan(grid.height + 20);
    expect(Array.from(decodeNpy(readFileSync(join(dir, 'f.npy'))).data)).toEqual(Array.from(lib.weights.data));
    const bad = await runCli(['filters', '--model', model, '--layer', 'fc', '--out', join(dir, 'x', 'g.png')]);
    expect(bad.code).toBe(1);
    expect(listFiles(join(dir, 'x'))).toEqual([]);
  });

  it('features writes one grid and one raw tensor per image', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), testPng(64, 64));
    writeFileSync(join(dir, 'b.png'), testPng(70, 64));
    const out = join(dir, 'out');
    const r = await runCli(['features', join(dir, 'a.png'), join(dir, 'b.png'), '--model', model, '--layer', 'layer2', '--order', 'mean', '--preprocess', 'unit', '--out', out, '--raw']);
    expect(r.code, r.err).toBe(0);
    expect(listFiles(out)).toEqual(['a.features.npy', 'a.features.png', 'b.features.npy', 'b.features.png']);
    const m = await loadModel(model, { preprocess: 'unit' });
    const x = await m.preprocess([await loadImage(join(dir, 'a.png')), await loadImage(join(dir, 'b.png'))]);
    const lib = await featureMaps(m, x, 'layer2', { order: 'mean' });
    const [grid] = featureMapGrids(lib).images;
    const b = decodeNpy(readFileSync(join(out, 'b.features.npy')));
    expect(b.shape).toEqual([8, 8, 8]);
    expect(Array.from(b.data)).toEqual(Array.from(lib.raw.data.subarray(512)));
    const png = await decodeImageFile(join(out, 'a.features.png'));
    expect(containsImage(png, grid)).toBe(true);
    expect(png.width).toBeGreaterThan(grid.width + 20);
  });
});
