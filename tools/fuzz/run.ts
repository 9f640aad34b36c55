/**
 * `npm run fuzz -- --cases N [--seed S] [--model FILE]`: N mutants of a committed model
 * through load, preprocess and Grad-CAM, and N mutants of image bytes (PNG, JPEG, WebP, GIF,
 * BMP in turn) through the decoder. Prints the count of each outcome and every finding (any
 * outcome other than success or a ConvlensError), and exits 1 if there was one.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { decodeImageBytes } from '../../src/node/codecs.js';
import { imageCase, isFinding, modelCase, structurePositions, type Outcome } from './cases.js';
import { sampleImages } from './images.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    model: { type: 'string', default: fileURLToPath(new URL('../../test/fixtures/models/tiny_cnn.legacy.onnx', import.meta.url)) },
  },
});
const cases = Number(values.cases);
const seed = Number(values.seed);
if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed)) throw new Error('--cases takes a positive integer and --seed an integer.');

const modelBytes = new Uint8Array(readFileSync(values.model));
const structure = structurePositions(modelBytes);
const images = await sampleImages();
const picture = await decodeImageBytes(images.png, 'the sample picture');

function tally(counts: Map<Outcome, number>, outcome: Outcome): void {
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
}

const findings: string[] = [];
const modelCounts = new Map<Outcome, number>();
const started = Date.now();
for (let i = 0; i < cases; i++) {
  const s = seed * 1_000_003 + i;
  const { outcome, what } = await modelCase(modelBytes, structure, s, picture);
  tally(modelCounts, outcome);
  if (isFinding(outcome)) findings.push(`model seed ${s} (${what}): ${outcome}`);
  if ((i + 1) % 1000 === 0) console.error(`model mutants: ${i + 1}/${cases} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
const imageCounts = new Map<Outcome, number>();
const formats = Object.keys(images);
for (let i = 0; i < cases; i++) {
  const format = formats[i % formats.length];
  const s = seed * 1_000_003 + i;
  const { outcome, what } = await imageCase(images[format], s);
  tally(imageCounts, `${format} ${outcome}`);
  if (isFinding(outcome)) findings.push(`${format} seed ${s} (${what}): ${outcome}`);
}
const table = (m: Map<Outcome, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));
console.log(`model: ${values.model}, ${structure.length} of ${modelBytes.length} bytes are graph structure; seed ${seed}`);
console.log(`${cases} model mutants (load, preprocess, Grad-CAM):`);
console.table(table(modelCounts));
console.log(`${cases} image mutants (decode):`);
console.table(table(imageCounts));
console.log(findings.length === 0 ? 'no findings' : `${findings.length} findings:\n${findings.join('\n')}`);
process.exitCode = findings.length === 0 ? 0 : 1;
