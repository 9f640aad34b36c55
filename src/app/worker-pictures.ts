/** Worker side of pictures: decoding dropped or pasted files, the demo's scenes, and the demo's tank study. */
import { loadImage, obstacleScene, shapeClassNames, shapeScene, tankScene, tankStudy } from '../browser/index.js';
import type { PictureReply, SceneName, TankStudyReply } from './protocol.js';
import type { WorkerState } from './worker-state.js';

/** A demo scene, generated from its seed (same seed, same picture), at the size the demo models take. */
function scene(name: SceneName, seed: number): PictureReply {
  switch (name) {
    case 'tank-bright':
    case 'tank-overcast':
    case 'field': {
      const sky = name === 'tank-overcast' ? 'overcast' : 'bright';
      const s = tankScene(seed, { tank: name !== 'field', sky, size: 64 });
      return { image: s.image, box: s.box, caption: `${s.tank ? 'tank' : 'empty field'} under a ${sky} sky (seed ${seed})` };
    }
    case 'shape': {
      const shape = shapeClassNames[seed % shapeClassNames.length];
      return { image: shapeScene(seed, { shape, size: 32 }), box: null, caption: `a ${shape} (seed ${seed})` };
    }
    case 'obstacle': {
      const s = obstacleScene(seed, { sameColour: seed % 2 === 0, light: (seed * 47) % 360, size: 64 });
      return { image: s.image, box: s.box, caption: `a box on the floor (seed ${seed})` };
    }
  }
}

export async function setPicture(state: WorkerState, req: { file?: Blob; scene?: SceneName; seed?: number }): Promise<PictureReply> {
  const reply = req.scene
    ? scene(req.scene, req.seed ?? 1)
    : { image: await loadImage(req.file!), box: null, caption: (req.file as File).name || 'pasted picture' };
  state.picture = { image: reply.image, box: reply.box };
  return reply;
}

/**
 * The demo's tank study on the two open models (slot a as the shortcut model, b as the
 * fixed one): the same pictures and seeds as `convlens demo`, so the same shares.
 */
export async function runTankStudy(state: WorkerState, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<TankStudyReply> {
  const models = { shortcut: state.model('a'), fixed: state.model('b') };
  const study = await tankStudy(models, { signal, onProgress });
  return { accuracy: study.accuracy, share: study.share, boxArea: study.boxArea };
}
