/**
 * Fuzz cases: a mutated model through load, preprocess and Grad-CAM, and mutated image bytes
 * through the decoder. Every outcome must be a success with finite values or a ConvlensError;
 * anything else (another error type, non-finite results, a hang) is a finding.
 */
import { ConvlensError } from '../../src/errors.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { loadImage, loadModel } from '../../src/node/index.js';
import { ModelProtoType } from '../../src/onnx/schema.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import { mutate } from './mutate.js';

/** `ok`, a ConvlensError code, or `FINDING: ...` for anything the contract forbids. */
export type Outcome = string;

const isFinding = (o: Outcome) => o.startsWith('FINDING');
export { isFinding };

const allFinite = (a: Float32Array) => a.every((v) => Number.isFinite(v));

async function classify(run: () => Promise<string | undefined>, timeoutMs: number): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<Outcome>((resolve) => { timer = setTimeout(() => resolve('FINDING: no answer within the time limit'), timeoutMs); });
  const outcome = run().then(
    (problem) => (problem ? `FINDING: ${problem}` : 'ok'),
    (e: unknown) => (e instanceof ConvlensError ? e.code : `FINDING: ${(e as Error)?.constructor?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`),
  );
  try {
    return await Promise.race([outcome, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Byte positions of a model that hold its graph structure rather than weight values: every
 * position outside the initializers' raw data.
 */
export function structurePositions(bytes: Uint8Array): number[] {
  const proto = ModelProtoType.decode(bytes) as unknown as { graph: { initializer: { rawData?: Uint8Array }[] } };
  const weights = new Uint8Array(bytes.length);
  for (const t of proto.graph.initializer) {
    const raw = t.rawData;
    // protobufjs decodes bytes fields as views into the input buffer.
    if (raw && raw.length > 0 && raw.buffer === bytes.buffer) weights.fill(1, raw.byteOffset - bytes.byteOffset, raw.byteOffset - bytes.byteOffset + raw.length);
  }
  const out: number[] = [];
  weights.forEach((w, i) => { if (!w) out.push(i); });
  return out;
}

/** Mutant `seed` of the model (even seeds anywhere, odd seeds in the graph structure) through load, preprocess and Grad-CAM. */
export function modelCase(bytes: Uint8Array, structure: number[], seed: number, image: RgbImage, timeoutMs = 20_000): Promise<{ outcome: Outcome; what: string }> {
  const mutant = mutate(bytes, seed, seed % 2 === 1 ? structure : undefined);
  return classify(async () => {
    const model = await loadModel(mutant.bytes, { preprocess: 'unit' });
    try {
      const x = await model.preprocess([image]);
      const cam = await gradCam(model, x);
      if (!allFinite(cam.raw.data) || !allFinite(cam.map.data)) return 'Grad-CAM returned non-finite values';
      return undefined;
    } finally {
      await model.dispose();
    }
  }, timeoutMs).then((outcome) => ({ outcome, what: mutant.what }));
}

/** Mutant `seed` of encoded image bytes through the decoder. */
export function imageCase(bytes: Uint8Array, seed: number, timeoutMs = 20_000): Promise<{ outcome: Outcome; what: string }> {
  const mutant = mutate(bytes, seed);
  return classify(async () => {
    const img = await loadImage(mutant.bytes);
    if (!(img.width > 0 && img.height > 0 && img.data.length === img.width * img.height * 3)) return `decoded a ${img.width}x${img.height} image with ${img.data.length} bytes`;
    return undefined;
  }, timeoutMs).then((outcome) => ({ outcome, what: mutant.what }));
}
