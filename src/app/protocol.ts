/**
 * The messages between the app's page and its compute worker. Everything is plain data
 * (structured-cloneable): the page never holds a model, the worker never touches the DOM.
 */

/** Two model slots: the one being explored, and the one it is compared with. */
export type Slot = 'a' | 'b';

/** An 8-bit RGB picture (as the library's RgbImage). */
export interface Picture {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface PixelBox { x: number; y: number; width: number; height: number }

/** One option of a method as the page shows it; values travel back as the text typed (or true for a switch). */
export interface MethodOptionInfo {
  flag: string;
  /** Placeholder such as `N` or `vanilla|guided|deconvnet`; absent for switches. */
  value?: string;
  help: string;
}

export interface MethodInfo {
  name: string;
  description: string;
  usesLayer: boolean;
  display: 'gradient' | 'heatmap';
  gradients: boolean;
  options: MethodOptionInfo[];
}

export interface LayerInfo {
  name: string;
  /** The output tensor, which names the layer unambiguously in requests. */
  tensor: string;
  module: string | null;
  op: string;
  shape: number[];
  /** Whether the layer is a Conv whose filters can be drawn. */
  conv: boolean;
}

export interface ModelInfo {
  label: string;
  layers: LayerInfo[];
  labels: string[] | null;
  /** `[C, H, W]` of one input. */
  itemShape: number[];
  /** A regression model: outputs are values, not class scores. */
  values: boolean;
  /** The layer Grad-CAM uses by default, or null for models without a spatial layer. */
  camLayer: string | null;
  differentiable: boolean;
  methods: MethodInfo[];
  /** Why this model runs on WASM although the page's backend is WebGPU; null when it does not. */
  notice: string | null;
}

export interface Prediction { index: number; label: string; score: number }

export interface Backend {
  name: 'webgpu' | 'wasm';
  threads: number;
  isolated: boolean;
  note: string | null;
}

export interface ViewOptions {
  alpha: number;
  colormap: string;
  /** Draw the box around the strongest part of a heatmap, or crop the picture to it. */
  mark: 'none' | 'box' | 'crop';
}

export interface ExplainResult {
  resultId: number;
  method: string;
  image: Picture;
  display: 'gradient' | 'heatmap';
  layer: string | null;
  rawShape: number[];
  target: number;
  /** Share of the map's positive mass inside the picture's known object box, when it has one. */
  shareInBox: number | null;
}

export type SceneName = 'tank-bright' | 'tank-overcast' | 'field' | 'shape' | 'obstacle';

export type Request =
  | { kind: 'probe'; backend?: 'wasm' | 'webgpu' }
  | { kind: 'open'; slot: Slot; url?: string; file?: Blob; name?: string }
  | { kind: 'picture'; file?: Blob; scene?: SceneName; seed?: number }
  | { kind: 'predict'; slot: Slot }
  | { kind: 'explain'; slot: Slot; method: string; options: Record<string, string | true>; target: number | null; layer: string | null; view: ViewOptions }
  | { kind: 'render'; resultId: number; view: ViewOptions }
  | { kind: 'download'; resultId: number; format: 'png' | 'npy'; view: ViewOptions }
  | { kind: 'featureMaps'; slot: Slot; layer: string; order: 'index' | 'mean'; range: 'shared' | 'per-channel'; colormap: string }
  | { kind: 'filters'; slot: Slot; layer: string; range: 'shared' | 'per-filter' }
  | { kind: 'tankStudy' }
  | { kind: 'receptiveField'; slot: Slot; layer: string; y: number; x: number }
  | { kind: 'synthesize'; slot: Slot; objective: string; steps: number; seed: number; lr: number | null; param: 'fft' | 'pixels'; transforms: 'standard' | 'none'; reg: string; liveEvery: number }
  | { kind: 'evaluate'; slot: Slot; method: string; target: number | null; metrics: string[] };

export type RequestKind = Request['kind'];

/** Where each channel's tile lies in the feature-map grid, for pointing at one unit. */
export interface GridGeometry { columns: number; cellWidth: number; cellHeight: number; labelHeight: number; padding: number; scale: number; tileHeight: number; tileWidth: number }
export interface FeatureMapsReply { image: Picture; order: number[]; shown: number; total: number; range: [number, number] | null; geometry: GridGeometry | null }
export interface ReceptiveFieldReply { image: Picture; box: { y0: number; y1: number; x0: number; x1: number }; kind: 'local' | 'global' }
export interface FiltersReply { image: Picture; node: string; shown: { filters: number; inputs: number }; total: number[] }
export interface PictureReply { image: Picture; box: PixelBox | null; caption: string }
export interface TankStudyReply {
  accuracy: { shortcut: { biased: number; balanced: number }; fixed: { biased: number; balanced: number } };
  share: { shortcut: Record<string, number>; fixed: Record<string, number> };
  boxArea: number;
}

export interface SynthesisReply {
  image: Picture;
  curve: Picture;
  frames: { step: number; image: Picture }[];
  finalObjective: number;
  /** For a class objective: the share of transformed samples the model classifies as that class. */
  recognized: number | null;
  warnings: string[];
}

export interface EvaluationReply {
  rows: { metric: string; name: string; better: 'higher' | 'lower'; value: number }[];
  curves: { name: string; xLabel: string; yLabel: string; x: number[]; y: number[] }[];
  /** The randomization check's flag: the map survives randomizing every layer. */
  insensitive: boolean | null;
}

/** What each request kind answers. */
export interface Replies {
  probe: Backend;
  open: ModelInfo;
  picture: PictureReply;
  predict: Prediction[];
  explain: ExplainResult;
  render: Picture;
  download: Uint8Array;
  featureMaps: FeatureMapsReply;
  filters: FiltersReply;
  tankStudy: TankStudyReply;
  synthesize: SynthesisReply;
  receptiveField: ReceptiveFieldReply;
  evaluate: EvaluationReply;
}

export interface ErrorInfo { name: string; code: string | null; message: string }

/**
 * Page to worker: a request with its id, or the cancellation of one. On a cross-origin
 * isolated page a request also carries a shared cancel flag: the worker reads it at each
 * progress step, so a cancel lands even while a run never yields to the worker's event loop.
 */
export type ToWorker = { id: number; request: Request; cancelFlag?: Int32Array } | { id: number; cancel: true };

/** Worker to page. */
export type FromWorker =
  | { id: number; type: 'progress'; done: number; total: number; label: string }
  /** The current picture of a long run (a synthesis), sent while it runs. */
  | { id: number; type: 'image'; step: number; image: Picture }
  | { id: number; type: 'done'; value: unknown; ms: number }
  | { id: number; type: 'error'; error: ErrorInfo };
