/**
 * Ctrl-C and SIGTERM at random moments of a multi-image, multi-method `explain --raw`: after
 * each, the output folder is exactly as before the run or exactly as a complete run leaves
 * it, no staging folder is left, and the exit code is 130 / 143 (or 0 when the run finished).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededUint32 } from '../../src/numeric/seeded-random.js';
import { fixtureModel, tempDir, testPng } from './cli-harness.js';

const entry = fileURLToPath(new URL('./cli-process.ts', import.meta.url));

/** Every file of a folder (hidden ones too) with its bytes, as one comparable value. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}

function runCli(args: string[], killAfterMs?: number, signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code, killedBy) => resolve({ code, signal: killedBy, ms: Date.now() - start, stdout, stderr }));
    if (killAfterMs !== undefined) setTimeout(() => child.kill(signal), killAfterMs);
  });
}

describe('interrupted explain', () => {
  it('leaves the folder unchanged or complete, whenever the signal comes', async () => {
    const dir = tempDir();
    const images = ['a', 'b', 'c'].map((n, i) => {
      const p = join(dir, `${n}.png`);
      writeFileSync(p, testPng(60 + 8 * i, 48));
      return p;
    });
    const out = join(dir, 'out');
    // A file of the user's (to be kept) and an earlier run's output (to be replaced).
    const prepare = () => {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      writeFileSync(join(out, 'notes.txt'), 'mine');
      writeFileSync(join(out, 'a.gradcam.png'), 'earlier run');
    };
    const args = ['explain', ...images, '--model', fixtureModel('resnet_basic.legacy-dynbatch'), '--preprocess', 'unit',
      '--method', 'gradcam,saliency,smoothgrad,gradxinput', '--samples', '4', '--raw', '--out', out];
    prepare();
    const unchanged = snapshot(out);
    const full = await runCli(args);
    expect(full.code, full.stderr).toBe(0);
    const complete = snapshot(out);
    // notes.txt, and per image: gradcam .png .npy; three gradient methods .png .gray.png .npy.
    expect(Object.keys(complete)).toHaveLength(1 + 3 * (2 + 3 * 3));

    const random = seededUint32(10);
    const outcomes = { unchanged: 0, complete: 0, handled: 0 };
    for (let k = 0; k < 10; k++) {
      prepare();
      const signal = k % 2 === 0 ? 'SIGINT' : 'SIGTERM';
      const r = await runCli(args, (random() % 1000) / 1000 * full.ms, signal);
      const now = snapshot(out);
      if (r.code === 0) {
        expect(now).toEqual(complete);
      } else if (r.code === null) {
        // Killed by the signal itself: while the process was still loading its modules, before
        // any handler existed (explain prints its predictions once it runs), or in the moment it
        // exits after a complete run, when Node has already let its handlers go.
        expect(r.signal).toBe(signal);
        expect(now).toEqual(r.stdout === '' ? unchanged : complete);
      } else {
        expect(r.code, r.stderr).toBe(signal === 'SIGINT' ? 130 : 143);
        expect([unchanged, complete]).toContainEqual(now);
      }
      if (r.code === 130 || r.code === 143) outcomes.handled++;
      outcomes[JSON.stringify(now) === JSON.stringify(complete) ? 'complete' : 'unchanged']++;
    }
    // The moments spread over the run: some kills land before the outputs are written.
    expect(outcomes.unchanged).toBeGreaterThan(0);
    expect(outcomes.handled).toBeGreaterThan(0);
  });
});
