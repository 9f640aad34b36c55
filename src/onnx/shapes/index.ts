export { inferShapes, shapeInferenceOps, type ShapeInfo } from './infer.js';
