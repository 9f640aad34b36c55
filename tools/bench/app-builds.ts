/**
 * `npx tsx tools/bench/app-builds.ts --a DIR --b DIR`: two builds of the web app (saved with
 * `npx tsx tools/app/bundle-app.ts DIR`) open side by side in one headless Chromium on the
 * same ResNet-18-sized PyTorch export and picture; Grad-CAM and saliency alternate between
 * them, so both see the same load, and each round's time ratio B / A is reported. On a
 * shared machine, two separate runs of tools/bench/app.ts differ more than two builds do.
 *
 *   npx tsx tools/bench/app-builds.ts --a /tmp/app-before --b /tmp/app-after [--reps 7] [--model resnet18]
 */
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startAppServer } from '../../src/cli/app-server.js';
import { openPage } from '../../test/browser/chromium.js';
import { dropModelToFirstGradCam } from './app-steps.js';
import { benchChoice, exportedModelBytes } from './models.js';
import { median, settle } from './timing.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    model: { type: 'string', default: 'resnet18' },
    exporter: { type: 'string', default: 'legacy' },
    reps: { type: 'string', default: '7' },
  },
});
const reps = Number(values.reps);
if (!values.a || !values.b || !Number.isInteger(reps) || reps < 1) throw new Error('Give --a DIR and --b DIR (two app builds), and --reps a positive integer.');
const choice = benchChoice(values.model, values.exporter);
const { path } = await exportedModelBytes(choice.model, choice.exporter, 224);

/** Opens one build with a picture chosen, then drops the model; returns the page and the ms from drop to the first Grad-CAM. */
async function openBuild(dir: string) {
  const server = await startAppServer({ '/': `${dir.replace(/\/$/, '')}/`, '/bench/': `${dirname(path)}/` });
  const chrome = await openPage(server.url, { what: 'the app', test: () => document.body.dataset.ready === 'true' });
  // tsx keeps function names with a `__name` helper that the page does not have.
  await chrome.page.evaluate('window.__name = (f) => f');
  await chrome.page.click('button.scene[data-scene="tank-bright"]');
  await chrome.page.waitForSelector('#picture canvas');
  const first = await dropModelToFirstGradCam(chrome.page, `/bench/${basename(path)}`);
  return { ...chrome, server, first, close: async () => { await chrome.browser.close(); await server.close(); } };
}

/** Runs one method alone in the Explanations tab and returns the worker's milliseconds. */
async function explainMs(page: Page, method: string): Promise<number> {
  await settle();
  return page.evaluate(async (wanted) => {
    for (const box of Array.from(document.querySelectorAll<HTMLInputElement>('.method input.use'))) box.checked = box.id === `use-${wanted}`;
    document.getElementById('explain-results')!.replaceChildren();
    document.getElementById('run-explain')!.click();
    let card: HTMLElement | null = null;
    while (!(card = document.querySelector(`#explain-results .card[data-method="${wanted}"]`))) {
      if (!document.getElementById('error')!.hidden) throw new Error(document.getElementById('error')!.textContent!);
      await new Promise((r) => setTimeout(r, 5));
    }
    return Number(card.dataset.ms);
  }, method);
}

const a = await openBuild(values.a);
const b = await openBuild(values.b);
try {
  const methods = ['gradcam', 'saliency'];
  for (const m of methods) for (const p of [a, b]) await explainMs(p.page, m); // compile each gradient graph once
  const ms: Record<string, { a: number[]; b: number[]; ratio: number[] }> = Object.fromEntries(methods.map((m) => [m, { a: [], b: [], ratio: [] }]));
  for (let r = 0; r < reps; r++) {
    for (const m of methods) {
      // Alternate which build goes first, so neither always follows the other's run.
      const [x, y] = r % 2 === 0 ? [a, b] : [b, a];
      const tx = await explainMs(x.page, m);
      const ty = await explainMs(y.page, m);
      const [ta, tb] = x === a ? [tx, ty] : [ty, tx];
      ms[m].a.push(ta);
      ms[m].b.push(tb);
      ms[m].ratio.push(tb / ta);
    }
  }
  console.log(`app builds A=${values.a} B=${values.b}: ${choice.model} (${choice.exporter} export), Chromium ${await a.page.textContent('#backend')}, ${reps} alternating rounds; shared machine.`);
  console.log(`drop to first Grad-CAM (one each, noisy): A ${(a.first / 1000).toFixed(2)} s, B ${(b.first / 1000).toFixed(2)} s`);
  for (const m of methods) console.log(`${m}: A ${median(ms[m].a).toFixed(0)} ms, B ${median(ms[m].b).toFixed(0)} ms, median B / A ${median(ms[m].ratio).toFixed(2)}`);
  for (const p of [a, b]) if (p.problems.length > 0) console.log(`page problems: ${p.problems.join('; ')}`);
} finally {
  await a.close();
  await b.close();
}
