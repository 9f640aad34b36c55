export { inferShapes, shapeInferenceOps, type ShapeInfo } from './infer.js';
export { executionOrder, nodeLabel } from './order.js';
