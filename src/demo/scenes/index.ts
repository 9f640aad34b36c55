/**
 * Synthetic, seeded scenes for the offline demo and for training small models: the tank
 * story (tanks and weather), the robot's obstacle view (box, floor, light, sensors) and a
 * ten-class shapes set. Pure TypeScript, identical bytes in Node and in browsers.
 */
export type { Box } from './box.js';
export { obstacleDataset, type ObstacleDataset, type ObstacleDatasetOptions } from './obstacle-dataset.js';
export {
  obstacleScene, SENSOR_HALF_WIDTH, SENSOR_RANGE,
  type ObstaclePlacement, type ObstacleScene, type ObstacleSceneOptions,
} from './obstacle-scene.js';
export { SceneRandom, type SeedOrRandom } from './scene-random.js';
export { shapeClassNames, type ShapeClass } from './shape-outlines.js';
export { shapeScene, shapesDataset, type ShapeSceneOptions, type ShapesDataset, type ShapesDatasetOptions } from './shapes-dataset.js';
export { tankDataset, type TankDataset, type TankDatasetOptions } from './tank-dataset.js';
export { tankScene, type TankScene, type TankSceneOptions } from './tank-scene.js';
export { toTensor } from './to-tensor.js';
export type { Sky } from './weather.js';
