import { openApp, settled, screenshot } from './app-page.js';
const app = await openApp('?model=models/tank-shortcut.onnx');
const { page } = app;
try {
  await page.click('button.scene[data-scene=tank-bright]');
  await page.waitForSelector('#picture canvas');
  await settled(page);
  await page.click('#tab-synthesis');
  await page.fill('#synth-steps', '64');
  await page.click('#run-synthesis');
  await page.waitForSelector('#synthesis-out canvas', { timeout: 120000 });
  console.log('synth', await settled(page));
  await screenshot(page, 'synthesis-1280');
  await page.click('#tab-evaluation');
  for (const m of ['insertion', 'road', 'drop', 'pointing']) await page.check(`input.metric[value=${m}]`);
  await page.click('#run-evaluation');
  await page.waitForSelector('#evaluation-table', { timeout: 200000 });
  console.log('eval', await settled(page), await page.textContent('#sanity-flag'));
  await screenshot(page, 'evaluation-1280');
} finally {
  console.log(app.problems, app.requests.filter((r) => !r.startsWith(app.server.url)));
  console.log(await page.textContent('#error').catch(() => ''));
  await app.close();
}
