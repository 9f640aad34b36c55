/** `--colormap` and `--alpha`: how heatmaps are drawn over the pictures, for the commands that draw them. */
import { colormapNames, type ColormapName } from '../image/colormap.js';
import { defaultOverlay, type MethodImageOptions } from '../render/method-image.js';
import { usageError, type FlagSpec } from './command-line.js';

const group = 'Figure options';

export const figureFlags = {
  colormap: { type: 'string', value: colormapNames.join('|'), group, help: `heatmap colours (default ${defaultOverlay.colormap}; jet is the older convention)` },
  alpha: { type: 'string', value: 'A', group, help: `heatmap opacity over the picture, 0 to 1 (default ${defaultOverlay.alpha})` },
} satisfies Record<string, FlagSpec>;

/** The figure flags as overlay options; `BAD_OPTION` for an unknown colour map or an opacity outside [0, 1]. */
export function parseFigureOptions(command: string, values: { colormap?: string; alpha?: string }): Pick<MethodImageOptions, 'colormap' | 'alpha'> {
  const options: Pick<MethodImageOptions, 'colormap' | 'alpha'> = {};
  if (values.colormap !== undefined) {
    if (!(colormapNames as readonly string[]).includes(values.colormap)) throw usageError(command, `--colormap must be one of ${colormapNames.join(', ')}; got "${values.colormap}".`);
    options.colormap = values.colormap as ColormapName;
  }
  if (values.alpha !== undefined) {
    const a = Number(values.alpha);
    if (!(a >= 0 && a <= 1)) throw usageError(command, `--alpha is an opacity from 0 to 1, e.g. 0.4; got "${values.alpha}".`);
    options.alpha = a;
  }
  return options;
}
