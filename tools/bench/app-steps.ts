/** Steps the app benchmarks share, run in the page as a person would do them. */
import type { Page } from 'playwright-core';

/**
 * Drops the model at `url` on the page (fetched into the page first: a dropped file is
 * already on the user's disk), presses Explain with only Grad-CAM as soon as the model is
 * listed, and returns the milliseconds until the Grad-CAM figure is shown.
 *
 * @example
 * const ms = await dropModelToFirstGradCam(page, '/bench/resnet18-224.legacy.onnx');
 */
export function dropModelToFirstGradCam(page: Page, url: string): Promise<number> {
  return page.evaluate(async (modelUrl) => {
    const failed = () => {
      if (!document.getElementById('error')!.hidden) throw new Error(document.getElementById('error')!.textContent!);
    };
    const file = new File([await (await fetch(modelUrl)).blob()], modelUrl.split('/').pop()!);
    const t0 = performance.now();
    const data = new DataTransfer();
    data.items.add(file);
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    while (!document.getElementById('model-name')!.textContent!.startsWith(file.name)) {
      failed();
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const box of Array.from(document.querySelectorAll<HTMLInputElement>('.method input.use'))) box.checked = box.id === 'use-gradcam';
    document.getElementById('run-explain')!.click();
    while (!document.querySelector('#explain-results .card[data-method="gradcam"] canvas')) {
      failed();
      await new Promise((r) => setTimeout(r, 5));
    }
    return performance.now() - t0;
  }, url);
}
