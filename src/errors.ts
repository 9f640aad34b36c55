/**
 * The one error type convlens throws. `code` is stable and machine-readable; the message
 * says what went wrong and what to do about it.
 *
 * @example
 * try { await loadModel('missing.onnx'); }
 * catch (e) { if (e instanceof ConvlensError && e.code === 'MODEL_NOT_FOUND') console.log(e.message); }
 */
export class ConvlensError extends Error {
  readonly code: ConvlensErrorCode;
  constructor(code: ConvlensErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConvlensError';
    this.code = code;
  }
}

export type ConvlensErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_UNREADABLE'
  | 'NOT_ONNX'
  | 'UNSUPPORTED_OPS'
  | 'EXTERNAL_DATA_MISSING'
  | 'DOWNLOAD_FAILED'
  | 'IMAGE_NOT_FOUND'
  | 'IMAGE_UNDECODABLE'
  | 'UNKNOWN_LAYER'
  | 'BAD_TARGET'
  | 'BAD_INPUT'
  | 'BAD_OPTION'
  | 'BATCH_TOO_LARGE'
  | 'NOT_DIFFERENTIABLE'
  | 'NO_SPATIAL_OUTPUT'
  | 'NO_CAM_HEAD'
  | 'SHAPE_INFERENCE'
  | 'RUNTIME'
  | 'OUTPUT_UNWRITABLE'
  | 'ABORTED'
  | 'NON_FINITE'
  | 'APP_NOT_BUILT'
  | 'QUEUE_UNREACHABLE'
  /** A slow method left out of a default method list (name it to run it). */
  | 'SLOW_METHOD';
