/** Help, flag checks and method-option routing, generated from each command's spec and the method registry. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSpec } from '../../src/cli/compare-command.js';
import { explainSpec } from '../../src/cli/explain-command.js';
import { commands } from '../../src/cli/main.js';
import { parseMethodOptions } from '../../src/cli/method-options.js';
import { reportSpec } from '../../src/cli/report-command.js';
import { findMethod, methodRegistry } from '../../src/methods/registry.js';
import { fixtureModel, listFiles, runCli, tempDir, testPng } from './cli-harness.js';

const specs = commands.map((c) => c.spec);

describe('command line', () => {
  it.each(specs.map((s) => [s.name, s] as const))('`convlens %s --help` lists every flag and exits 0', async (name, spec) => {
    for (const args of [[name, '--help'], [name, '-h'], ['help', name]]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      for (const flag of Object.keys(spec.flags)) expect(r.out).toContain(`--${flag}`);
    }
  });

  it('every method option of the registry is a flag of explain, compare and report', () => {
    const flags = new Set(methodRegistry.flatMap((m) => Object.values(m.options).map((o) => o.flag)));
    expect([...flags]).toEqual(expect.arrayContaining(['blur-sigma', 'integration', 'squared', 'batch-size', 'samples', 'patch', 'unit']));
    for (const spec of [explainSpec, compareSpec, reportSpec]) for (const f of flags) expect(spec.flags).toHaveProperty(f);
  });

  it('method flags become the options the methods read, by the methods\' own keys', () => {
    const methods = ['ig', 'smoothgrad', 'occlusion', 'scorecam'].map(findMethod);
    const options = parseMethodOptions('explain', {
      'blur-sigma': '3', integration: 'trapezoid', squared: true, 'batch-size': '4', samples: '5', patch: '8x4', unit: 'a:b:3', target: '281,tabby',
    }, methods);
    expect(options).toEqual({ blurSigma: 3, method: 'trapezoid', squared: true, batchSize: 4, samples: 5, patch: [8, 4], unit: { layer: 'a:b', channel: 3 }, target: [281, 'tabby'] });
    expect(() => parseMethodOptions('explain', { integration: 'simpson' }, methods)).toThrow(/riemann-right, trapezoid/);
    expect(() => parseMethodOptions('explain', { samples: '0' }, methods)).toThrow(/at least 1/);
  });

  it('flags that none of the chosen methods reads are reported, naming the methods that do', () => {
    expect(() => parseMethodOptions('explain', { patch: '8' }, [findMethod('gradcam')])).toThrow(/--patch is read by occlusion.*\(gradcam\)/);
    expect(() => parseMethodOptions('explain', { layer: 'layer4' }, [findMethod('saliency')])).toThrow(/--layer is read by gradcam/);
    expect(() => parseMethodOptions('explain', { 'blur-sigma': '2' }, [findMethod('saliency')])).toThrow(/ig, occlusion/);
  });

  it('unknown flags get the closest known one; a model given without --model is pointed at it', async () => {
    const model = fixtureModel('tiny_cnn.legacy');
    const typo = await runCli(['layers', '--model', model, '--jsn']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('Did you mean --json?');
    expect(typo.err).toContain('convlens layers --help');
    const positional = await runCli(['layers', model]);
    expect(positional.code).toBe(2);
    expect(positional.err).toContain(`give it with --model ${model}`);
    const dir = tempDir();
    const image = join(dir, 'img.png');
    writeFileSync(image, testPng());
    const explain = await runCli(['explain', image, model, '--out', join(dir, 'out')]);
    expect(explain.err).toContain('--model');
    const gradientsOnly = await runCli(['explain', image, '--model', model, '--method', 'saliency', '--colormap', 'jet']);
    expect(gradientsOnly.code).toBe(2);
    expect(gradientsOnly.err).toMatch(/--colormap is about heatmaps/);
    const noValue = await runCli(['explain', image, '--model', model, '--layer']);
    expect(noValue.err).toMatch(/--layer needs a value/);
    expect(listFiles(join(dir, 'out'))).toEqual([]);
  });
});
