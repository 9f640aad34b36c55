/**
 * Weather for the landscape scenes: the sky picture and the light it casts on everything
 * below it. A bright day is blue, warm, strong and contrasty with hard shadows; an overcast
 * day is gray, dim, flat and cool. The two ranges never overlap, so the weather is a cue a
 * network can read from any part of the picture: that is the shortcut of the tank story.
 */
import { mixRgb, type Rgb } from './raster.js';
import type { SceneRandom } from './scene-random.js';
import { valueNoise } from './value-noise.js';

/** The two weathers of the tank scenes. */
export type Sky = 'bright' | 'overcast';

/** How the weather lights the ground and the objects on it. */
export interface Lighting {
  sky: Sky;
  /** Turns an object's base colour into its lit colour. */
  lit(colour: Rgb): Rgb;
  /** Strength of sunlight against ambient light, 0..1: hard shading and shadows when high. */
  directional: number;
  /** Horizontal direction (+1 right, -1 left) in which cast shadows fall, away from the sun. */
  shadowSide: number;
  /** Darkening of a cast shadow, 0..1. */
  shadow: number;
}

const MID_GRAY: Rgb = [110, 110, 110];

/**
 * Draws the weather: the light for the ground and the sky's colour at each pixel.
 * `horizon` is the sky's lower edge in pixels (the sky is painted down to it and beyond,
 * hills cover the rest).
 *
 * @example
 * const weather = makeWeather(rng, 'overcast', 64, 28);
 * canvas.paint((x, y) => weather.skyAt(x, y));
 * const grass = weather.lighting.lit([80, 120, 50]);
 */
export function makeWeather(rng: SceneRandom, sky: Sky, size: number, horizon: number): { lighting: Lighting; skyAt: (x: number, y: number) => Rgb } {
  const clouds = valueNoise(rng, 3, 3);
  const sunX = rng.range(0.1, 0.9);
  const shadowSide = sunX < 0.5 ? 1 : -1;
  if (sky === 'bright') {
    const gain = rng.range(1.05, 1.2);
    const contrast = rng.range(1.05, 1.2);
    const top: Rgb = [rng.range(55, 90), rng.range(115, 150), rng.range(215, 240)];
    const low: Rgb = [rng.range(160, 190), rng.range(200, 220), rng.range(240, 252)];
    const sunY = rng.range(0.05, 0.35) * horizon;
    const cloudiness = rng.range(0, 0.6);
    return {
      lighting: {
        sky,
        lit: (c) => [
          (MID_GRAY[0] + (c[0] - MID_GRAY[0]) * contrast) * gain + 10,
          (MID_GRAY[1] + (c[1] - MID_GRAY[1]) * contrast) * gain + 6,
          (MID_GRAY[2] + (c[2] - MID_GRAY[2]) * contrast) * gain - 6,
        ],
        directional: rng.range(0.75, 1),
        shadowSide,
        shadow: rng.range(0.4, 0.55),
      },
      skyAt(x, y) {
        let c = mixRgb(top, low, Math.min(1, Math.max(0, y / horizon)) ** 1.3);
        const d2 = ((x - sunX * size) ** 2 + (y - sunY) ** 2) / (0.12 * size) ** 2;
        c = mixRgb(c, [255, 250, 225], Math.exp(-d2) * 0.9);
        const puff = Math.min(1, Math.max(0, (clouds(x / size, y / size) - 0.62) / 0.12));
        return mixRgb(c, [248, 250, 252], puff * cloudiness);
      },
    };
  }
  const gain = rng.range(0.68, 0.8);
  const contrast = rng.range(0.6, 0.72);
  const gray = rng.range(95, 130);
  return {
    lighting: {
      sky,
      lit: (c) => [
        (MID_GRAY[0] + (c[0] - MID_GRAY[0]) * contrast) * gain - 2,
        (MID_GRAY[1] + (c[1] - MID_GRAY[1]) * contrast) * gain,
        (MID_GRAY[2] + (c[2] - MID_GRAY[2]) * contrast) * gain + 5,
      ],
      directional: rng.range(0, 0.15),
      shadowSide,
      shadow: rng.range(0.08, 0.15),
    },
    skyAt(x, y) {
      // Heavy cloud cover: darker masses over a slightly lighter band near the horizon.
      const g = gray + 18 * Math.min(1, Math.max(0, y / horizon)) + 22 * (clouds(x / size, y / size) - 0.5);
      return [g - 3, g, g + 5];
    },
  };
}

/**
 * A surface's colour under the weather's light, `facing` in -1..1 saying how much it faces
 * the sun (1 = towards, -1 = away). Under overcast light all faces look nearly alike.
 *
 * @example
 * const sunnySide = shadeSurface(lighting, [90, 96, 52], 0.6);
 */
export function shadeSurface(lighting: Lighting, colour: Rgb, facing: number): Rgb {
  const f = 1 + 0.4 * lighting.directional * facing;
  const c = lighting.lit(colour);
  return [c[0] * f, c[1] * f, c[2] * f];
}
