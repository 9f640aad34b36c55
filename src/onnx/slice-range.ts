/** Which elements an ONNX Slice takes along one axis, shared by shape inference and the Slice VJP. */

/** Elements taken along one axis: `count` of them from `start` in steps of `step`. */
export interface AxisRange {
  start: number;
  step: number;
  count: number;
}

/**
 * ONNX Slice clamping: negative starts and ends count from the end, ends may be ±INT64_MAX,
 * and steps may run backwards.
 *
 * @example
 * sliceAxis(10, -3, 2 ** 63, 1); // { start: 7, step: 1, count: 3 }
 */
export function sliceAxis(dim: number, start: number, end: number, step: number): AxisRange {
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
  }
  return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
}
