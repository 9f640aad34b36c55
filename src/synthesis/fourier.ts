/**
 * The Fourier image basis of feature visualization: an inverse real 2-D DFT written as two
 * matrix products (so the parameterization is an ordinary ONNX graph the gradient compiler
 * differentiates), with each frequency scaled by 1 / frequency so that all frequencies
 * start with equal energy in the image.
 */

/** Columns of the half spectrum of a `W`-wide real image. */
export const halfWidth = (W: number) => Math.floor(W / 2) + 1;

/** |frequency| in cycles per pixel of each `[kh, kw]` coefficient of an `H x W` half spectrum. */
export function spectrumFrequencies(H: number, W: number): Float64Array {
  const Wf = halfWidth(W);
  const f = new Float64Array(H * Wf);
  for (let kh = 0; kh < H; kh++) {
    const fy = (kh < Math.ceil(H / 2) ? kh : kh - H) / H;
    for (let kw = 0; kw < Wf; kw++) f[kh * Wf + kw] = Math.hypot(fy, kw / W);
  }
  return f;
}

/**
 * Per-coefficient scale `[H, 2 * Wf]` (real parts, then imaginary parts): 1 / max(f, 1 / max(H, W)),
 * times sqrt(H * W) for the DFT's normalization, divided by 4, as in the Distill recipe.
 */
export function spectrumScale(H: number, W: number): Float32Array {
  const Wf = halfWidth(W);
  const f = spectrumFrequencies(H, W);
  const floor = 1 / Math.max(H, W);
  const out = new Float32Array(H * 2 * Wf);
  for (let kh = 0; kh < H; kh++) {
    for (let kw = 0; kw < Wf; kw++) {
      const s = (Math.sqrt(H * W) / Math.max(f[kh * Wf + kw], floor)) / 4;
      out[kh * 2 * Wf + kw] = s;
      out[kh * 2 * Wf + Wf + kw] = s;
    }
  }
  return out;
}

/**
 * Width step of the inverse DFT, `[2 * Wf, 2 * W]`: `[Xr | Xi] . M = [Zr | Zi]` with
 * `Z = X Q`, `Q[k, w] = c_k exp(2 pi i k w / W) / W`, `c_k` = 2 except for the DC and Nyquist
 * columns, which a real spectrum holds once.
 */
export function widthMatrix(W: number): Float32Array {
  const Wf = halfWidth(W);
  const m = new Float32Array(2 * Wf * 2 * W);
  for (let k = 0; k < Wf; k++) {
    const c = k === 0 || (W % 2 === 0 && k === W / 2) ? 1 : 2;
    for (let w = 0; w < W; w++) {
      const a = (2 * Math.PI * ((k * w) % W)) / W;
      const qr = (c * Math.cos(a)) / W, qi = (c * Math.sin(a)) / W;
      m[k * 2 * W + w] = qr;
      m[k * 2 * W + W + w] = qi;
      m[(Wf + k) * 2 * W + w] = -qi;
      m[(Wf + k) * 2 * W + W + w] = qr;
    }
  }
  return m;
}

/** Height step, `[H, 2 * H]`: the real part of `P Z` is `[Pr | -Pi] . [Zr ; Zi]`, `P[h, k] = exp(2 pi i k h / H) / H`. */
export function heightMatrix(H: number): Float32Array {
  const m = new Float32Array(H * 2 * H);
  for (let h = 0; h < H; h++) {
    for (let k = 0; k < H; k++) {
      const a = (2 * Math.PI * ((k * h) % H)) / H;
      m[h * 2 * H + k] = Math.cos(a) / H;
      m[h * 2 * H + H + k] = -Math.sin(a) / H;
    }
  }
  return m;
}

/** Transfer function of a Gaussian blur of `sigma` pixels for each coefficient, `[H, 2 * Wf]`. */
export function gaussianTransfer(H: number, W: number, sigma: number): Float32Array {
  const Wf = halfWidth(W);
  const f = spectrumFrequencies(H, W);
  const out = new Float32Array(H * 2 * Wf);
  for (let kh = 0; kh < H; kh++) {
    for (let kw = 0; kw < Wf; kw++) {
      const g = Math.exp(-2 * Math.PI * Math.PI * sigma * sigma * f[kh * Wf + kw] ** 2);
      out[kh * 2 * Wf + kw] = g;
      out[kh * 2 * Wf + Wf + kw] = g;
    }
  }
  return out;
}
