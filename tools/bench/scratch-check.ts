import { resNet50Bytes } from './resnet50.js';
import { loadModel } from '../../src/node/index.js';
const t0 = performance.now();
const { bytes, path, built } = await resNet50Bytes();
console.log(path, built, bytes.length, performance.now() - t0);
const m = await loadModel(bytes, { preprocess: 'imagenet' });
console.log(m.resolveLayer('layer4'), m.layers.length, m.layers.at(-1));
console.log('chunk', m.engine.chunkSize(m.itemShape, 8, 1), m.engine.chunkSize(m.itemShape, 8, 3));
