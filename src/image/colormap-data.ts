/**
 * Control points of the colormaps, as `[position, r, g, b]` with everything in [0, 1];
 * colours between points are linear interpolations.
 *
 * `viridis` and `inferno` are sampled at every 16th entry (plus the last) of the 256-entry
 * tables by Stéfan van der Walt and Nathaniel Smith (CC0, as shipped with matplotlib); at that
 * spacing linear interpolation stays within about one 8-bit step of the full tables.
 * `jet` uses the breakpoints of the classic MATLAB/matplotlib definition, so jet(0) is dark
 * blue (0, 0, 0.5) and jet(1) dark red (0.5, 0, 0).
 */
export type ControlPoint = readonly [number, number, number, number];

const at = (index: number): number => index / 255;

export const viridisPoints: readonly ControlPoint[] = [
  [at(0), 0.267004, 0.004874, 0.329415],
  [at(16), 0.282327, 0.094955, 0.417331],
  [at(32), 0.278826, 0.175490, 0.483397],
  [at(48), 0.258965, 0.251537, 0.524736],
  [at(64), 0.229739, 0.322361, 0.545706],
  [at(80), 0.199430, 0.387607, 0.554642],
  [at(96), 0.172719, 0.448791, 0.557885],
  [at(112), 0.149039, 0.508051, 0.557250],
  [at(128), 0.127568, 0.566949, 0.550556],
  [at(144), 0.120638, 0.625828, 0.533488],
  [at(160), 0.157851, 0.683765, 0.501686],
  [at(176), 0.246070, 0.738910, 0.452024],
  [at(192), 0.369214, 0.788888, 0.382914],
  [at(208), 0.515992, 0.831158, 0.294279],
  [at(224), 0.678489, 0.863742, 0.189503],
  [at(240), 0.845561, 0.887322, 0.099702],
  [at(255), 0.993248, 0.906157, 0.143936],
];

export const infernoPoints: readonly ControlPoint[] = [
  [at(0), 0.001462, 0.000466, 0.013866],
  [at(16), 0.042253, 0.028139, 0.141141],
  [at(32), 0.129285, 0.047293, 0.290788],
  [at(48), 0.238273, 0.036621, 0.396353],
  [at(64), 0.341500, 0.062325, 0.429425],
  [at(80), 0.441207, 0.099338, 0.431594],
  [at(96), 0.540920, 0.134729, 0.415123],
  [at(112), 0.640135, 0.171438, 0.381065],
  [at(128), 0.735683, 0.215906, 0.330245],
  [at(144), 0.822386, 0.275197, 0.266085],
  [at(160), 0.894305, 0.353399, 0.193584],
  [at(176), 0.946965, 0.449191, 0.115272],
  [at(192), 0.978422, 0.557937, 0.034931],
  [at(208), 0.987874, 0.675267, 0.065257],
  [at(224), 0.974638, 0.797692, 0.206332],
  [at(240), 0.947594, 0.917399, 0.410665],
  [at(255), 0.988362, 0.998364, 0.644924],
];

/**
 * Jet is defined per channel, so its channels are given separately as `[position, value]`.
 */
export const jetChannels: readonly (readonly (readonly [number, number])[])[] = [
  [[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]],
  [[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]],
  [[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]],
];

export const grayPoints: readonly ControlPoint[] = [[0, 0, 0, 0], [1, 1, 1, 1]];

/** Diverging blue - white - red for signed maps: negative blue, zero white, positive red. */
export const bwrPoints: readonly ControlPoint[] = [[0, 0, 0, 1], [0.5, 1, 1, 1], [1, 1, 0, 0]];
