import { describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { tensorToImages } from '../../src/preprocess/preprocess-images.js';
import { forward } from '../../src/methods/passes.js';
import { demoModelPath } from '../../src/cli/demo-command.js';
import { findMethod } from '../../src/methods/registry.js';
import { loadModel } from '../../src/node/index.js';
import { compare } from '../../src/methods/comparison.js';
import { comparisonFigure } from '../../src/render/compare.js';
import { enlargeTo, formatValue } from '../../src/render/figure.js';
import { methodImage } from '../../src/render/method-image.js';
import { containsImage as contains, testPicture } from '../cli/cli-harness.js';
import { modelPath } from '../methods/refs.js';

const inputs = [{ name: 'a', image: testPicture(64, 64) }, { name: 'b', image: testPicture(80, 64) }];
const path = modelPath('models/resnet_basic.legacy-dynbatch.onnx');

async function expected(model: ConvlensModel, method: string, options: object, i: number) {
  const x = await model.preprocess(inputs.map((n) => n.image));
  const r = await findMethod(method).run(model, x, options);
  // Cells are enlarged by whole pixels to at least 128 px, so each map pixel becomes a block.
  return enlargeTo(methodImage(r, r.image.indexOf(i), tensorToImages(x, model.preprocessSpec)), 128);
}

describe('comparison figures', () => {
  it('across layers and classes, every cell is the separately computed map', async () => {
    const model = await loadModel(path, { preprocess: 'unit', labels: Array.from({ length: 10 }, (_, i) => `c${i}`) });
    const layerData = await compare(inputs, 'gradcam', { by: 'layer', model, layers: ['layer2', 'layer3'] }, { target: 3 });
    // The data: each column is the method run alone at that layer, on what the model saw.
    const x = await model.preprocess(inputs.map((n) => n.image));
    expect(layerData.columns[1].result!.map).toEqual((await findMethod('gradcam').run(model, x, { layer: 'layer3', target: 3 })).map);
    expect(layerData.columns[1].seen).toEqual(tensorToImages(x, model.preprocessSpec));
    const byLayer = comparisonFigure(layerData);
    expect(byLayer.columnLabels).toEqual(['layer2', 'layer3']);
    expect(byLayer.rowLabels).toEqual(['a', 'b']);
    for (const layer of ['layer2', 'layer3']) {
      for (const i of [0, 1]) expect(contains(byLayer.figure, await expected(model, 'gradcam', { layer, target: 3 }, i))).toBe(true);
    }
    const byClass = comparisonFigure(await compare(inputs, 'guided', { by: 'class', model, targets: [1, 'c7'] }));
    expect(byClass.columnLabels).toEqual(['c1', 'c7']);
    expect(byClass.captions[0][1]).toMatch(/^c7 [\d.]+%$/);
    expect(contains(byClass.figure, await expected(model, 'guided', { target: 7 }, 1))).toBe(true);
    await expect(compare(inputs, 'saliency', { by: 'layer', model, layers: ['layer3'] })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });

  it('across models, opening each model only after the previous one is released', async () => {
    const events: string[] = [];
    const entry = (name: string, file: string) => ({
      name,
      open: async () => {
        events.push(`open ${name}`);
        const m = await loadModel(modelPath(file), { preprocess: 'unit' });
        const dispose = m.dispose.bind(m);
        m.dispose = async () => { events.push(`close ${name}`); await dispose(); };
        return m;
      },
    });
    const result = comparisonFigure(await compare(inputs, 'gradcam', { by: 'model', models: [entry('basic', 'models/resnet_basic.legacy-dynbatch.onnx'), entry('dynamo', 'models/resnet_basic.dynamo.onnx')] }, { layer: 'layer4', target: 2 }));
    expect(events).toEqual(['open basic', 'close basic', 'open dynamo', 'close dynamo']);
    expect(result.columnLabels).toEqual(['basic', 'dynamo']);
    const model = await loadModel(path, { preprocess: 'unit' });
    expect(contains(result.figure, await expected(model, 'gradcam', { layer: 'layer4', target: 2 }, 0))).toBe(true);
  });

  it('captions a regression with the output values, not probabilities', async () => {
    const model = await loadModel(demoModelPath('obstacle-sensors.onnx'), { threads: 1 });
    const data = await compare(inputs, 'gradcam', { by: 'class', model, targets: [2, 4] });
    const drawn = comparisonFigure(data);
    const x = await model.preprocess(inputs.map((n) => n.image));
    const outputs = (await forward(model, x, [model.outputName]))[model.outputName];
    const K = outputs.shape[1];
    expect(drawn.columnLabels).toEqual([model.labels![2], model.labels![4]]);
    expect(drawn.captions).toEqual([0, 1].map((i) => [2, 4].map((k) => `= ${formatValue(outputs.data[i * K + k])}`)));
    await model.dispose();
  });
});
