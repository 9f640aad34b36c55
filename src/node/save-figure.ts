/** Writing a picture or figure to a PNG file, whole or not at all. */
import { ConvlensError } from '../errors.js';
import { encodePng } from '../image/png.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { writeFileAtomically } from './atomic-write.js';

/**
 * Saves an RGB picture (an overlay, a `methodFigure`, a `comparisonFigure`) as a PNG file;
 * missing folders are created. `OUTPUT_UNWRITABLE` when the file cannot be written.
 *
 * @example
 * const seen = tensorToImages(x, model.preprocessSpec);
 * const result = await findMethod('gradcam').run(model, x, { layer: 'layer4', target: 281 });
 * await saveFigure('out/cat.gradcam.png', methodFigure(result, 0, seen, { method: 'gradcam', labels: model.labels }));
 */
export async function saveFigure(path: string, image: RgbImage): Promise<void> {
  try {
    await writeFileAtomically(path, encodePng(image));
  } catch (e) {
    throw new ConvlensError('OUTPUT_UNWRITABLE', `Cannot write the figure to ${path} (${(e as Error).message}); choose another path.`, { cause: e });
  }
}
