/**
 * Seeded fuzzing: 300 byte mutants of a committed model (half anywhere, half in its graph
 * structure) through load, preprocess and Grad-CAM, and 250 mutants of image bytes in five
 * formats through the decoder. Every outcome must be a success with finite values or a
 * ConvlensError. `npm run fuzz -- --cases N` runs the same cases at length.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../../src/node/codecs.js';
import { imageCase, isFinding, modelCase, structurePositions } from '../../tools/fuzz/cases.js';
import { sampleImages } from '../../tools/fuzz/images.js';
import { fixtureModel } from '../cli/cli-harness.js';

/** Seeds of `npm run fuzz` that once found a bug (an unset string attribute broke decoding). */
const regressions = [1001056];

describe('fuzzing', () => {
  it('300 model mutants give success or a ConvlensError', async () => {
    const bytes = new Uint8Array(readFileSync(fixtureModel('tiny_cnn.legacy')));
    const structure = structurePositions(bytes);
    // The structure is what decoding, checks and shape inference read; the rest is weights.
    expect(structure.length).toBeGreaterThan(500);
    expect(structure.length).toBeLessThan(bytes.length - 1000);
    const picture = await decodeImageBytes((await sampleImages()).png, 'the sample picture');
    const counts: Record<string, number> = {};
    const findings: string[] = [];
    for (const seed of [...Array.from({ length: 300 }, (_, i) => i), ...regressions]) {
      const { outcome, what } = await modelCase(bytes, structure, seed, picture);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      if (isFinding(outcome)) findings.push(`seed ${seed} (${what}): ${outcome}`);
    }
    expect(findings).toEqual([]);
    // The mutants reach every stage: some decode and run, some fail the load-time checks.
    expect(counts.ok).toBeGreaterThan(10);
    expect(counts.MODEL_UNREADABLE).toBeGreaterThan(10);
    expect(counts.NOT_ONNX).toBeGreaterThan(10);
  });

  it('250 image mutants (PNG, JPEG, WebP, GIF, BMP) decode or give IMAGE_UNDECODABLE', async () => {
    const images = await sampleImages();
    const findings: string[] = [];
    const decoded: Record<string, number> = {};
    for (const [format, bytes] of Object.entries(images)) {
      for (let seed = 0; seed < 50; seed++) {
        const { outcome, what } = await imageCase(bytes, seed);
        if (outcome === 'ok') decoded[format] = (decoded[format] ?? 0) + 1;
        else if (outcome !== 'IMAGE_UNDECODABLE') findings.push(`${format} seed ${seed} (${what}): ${outcome}`);
      }
    }
    expect(findings).toEqual([]);
    expect(Object.keys(decoded).length).toBeGreaterThanOrEqual(4);
  });
});
