/**
 * Downloads with limits: a server that never answers, or stops sending half-way, fails after
 * a timeout instead of waiting forever, and progress is reported as the bytes arrive.
 */
import { ConvlensError } from '../errors.js';

export interface DownloadOptions {
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  /**
   * Milliseconds to wait for the server to answer, and then for each next piece of the body
   * (default 30000).
   */
  timeoutMs?: number;
  /** Called as the body arrives: bytes so far, and the total when the server says it. */
  onProgress?: (received: number, total: number | null) => void;
}

/** Default connect and idle timeout of downloads. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30_000;

class Stalled extends Error {}

/**
 * The body of `url`, or a thrown error: `ConvlensError` with `failCode` for HTTP errors and
 * timeouts (the message ends with `hint`), `ABORTED` when `signal` aborts, and the fetch's own
 * error otherwise (network failures, for the caller to word).
 *
 * @example
 * const bytes = await download(new URL('https://example.org/m.onnx'), { timeoutMs: 10_000 }, 'DOWNLOAD_FAILED', 'Check the URL.');
 */
export async function download(url: URL, options: DownloadOptions, failCode: 'DOWNLOAD_FAILED' | 'EXTERNAL_DATA_MISSING', hint: string): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new ConvlensError('BAD_OPTION', `A download timeout must be a positive number of milliseconds; got ${timeoutMs}.`);
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let phase = 'answer';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Stalled()), timeoutMs);
  };
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  try {
    arm();
    const res = await (options.fetch ?? globalThis.fetch)(url, { signal: controller.signal });
    if (!res.ok) throw new ConvlensError(failCode, `Downloading ${url.href} failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}. ${hint}`);
    const length = Number(res.headers.get('content-length'));
    const total = Number.isSafeInteger(length) && length > 0 ? length : null;
    phase = 'send more data';
    arm();
    const parts: Uint8Array[] = [];
    let received = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arm();
        parts.push(value);
        received += value.length;
        options.onProgress?.(received, total);
      }
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const p of parts) {
      bytes.set(p, offset);
      offset += p.length;
    }
    return bytes;
  } catch (e) {
    if (e instanceof ConvlensError) throw e;
    if (controller.signal.reason instanceof Stalled) {
      throw new ConvlensError(failCode,
        `Downloading ${url.href} failed: the server did not ${phase} within ${seconds}. ${hint} A slow server may need a longer timeout (downloadTimeout, --download-timeout SECONDS).`, { cause: e });
    }
    if (options.signal?.aborted) throw new ConvlensError('ABORTED', `Downloading ${url.href} was aborted.`, { cause: e });
    throw e;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
