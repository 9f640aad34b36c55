/**
 * Whole-model gradients against PyTorch: input gradients (standard, guided, deconvnet),
 * layer activations and gradients, and Grad-CAM on small replicas of the torchvision
 * classifiers, exported with both PyTorch exporters.
 */
import { afterAll, describe, it } from 'vitest';
import { backward } from '../../src/methods/passes.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { saliency } from '../../src/methods/saliency.js';
import { loadModel } from '../../src/node/index.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import { expectClose, loadRefs, modelPath } from './refs.js';

const models = ['tiny_cnn', 'alexnet', 'vgg', 'resnet_basic', 'resnet_bottleneck', 'densenet', 'squeezenet', 'mobilenet_v2', 'mobilenet_v3', 'googlenet', 'shufflenet', 'vit'];
const only = process.env.CONVLENS_REF_MODELS?.split(',');
const TOL = 2e-4;

describe.each((only ?? models).flatMap((m) => ['legacy', 'dynamo'].map((e) => [m, e])))('%s (%s exporter) against PyTorch', (name, exporter) => {
  const refs = loadRefs(name);
  const x = refs.array('input');
  const target = { perImage: refs.json.targets };
  let model: ConvlensModel;
  const open = async () => (model ??= await loadModel(modelPath(refs.json.exports[exporter].file), { preprocess: 'unit' }));
  afterAll(() => model?.dispose());

  it('input gradients: vanilla, guided backprop, deconvnet', async () => {
    const m = await open();
    for (const [rule, array] of [['vanilla', 'grad_input'], ['guided', 'grad_input_guided'], ['deconvnet', 'grad_input_deconvnet']] as const) {
      const sal = await saliency(m, x, { target, rule });
      expectClose(sal.raw, refs.array(array), TOL, `${rule} input gradient`);
      expectClose(sal.scores, refs.array('logits'), TOL, 'logits');
    }
  });

  it('layer activation and gradient, Grad-CAM', async () => {
    const m = await open();
    const tensor = m.resolveLayer(refs.json.layer);
    const r = await backward(m, x, { target, wrt: [tensor], taps: [tensor] });
    expectClose(r.taps[tensor], refs.array('layer_activation'), TOL, 'layer activation');
    expectClose(r.gradients[tensor], refs.array('grad_layer'), TOL, 'layer gradient');
    if (refs.json.layerTensorShape.length === 4) {
      const cam = await gradCam(m, x, { layer: refs.json.layer, target });
      expectClose(cam.raw, refs.array('gradcam'), TOL, 'Grad-CAM');
    }
  });

  it('first convolution weight gradient of the mean cross-entropy', async () => {
    const m = await open();
    const dynamo = exporter === 'dynamo';
    const weight = String(dynamo ? refs.json.firstConvWeightDynamo : refs.json.firstConvWeight);
    const expected = refs.array(String(dynamo ? refs.json.firstConvWeightDynamoGradArray : refs.json.firstConvWeightGradArray));
    // d mean_i CE(logits_i, t_i) / d logits_i = (softmax(logits_i) - onehot(t_i)) / N
    const logits = refs.array('logits');
    const [n, k] = logits.shape;
    const seeds = refs.json.targets.map((t, i) => {
      const row = Array.from(logits.data.subarray(i * k, (i + 1) * k));
      const max = Math.max(...row);
      const total = row.reduce((a, v) => a + Math.exp(v - max), 0);
      return row.map((v, c) => (Math.exp(v - max) / total - (c === t ? 1 : 0)) / n);
    });
    const r = await backward(m, x, { target: { weights: seeds }, wrt: [weight] });
    expectClose(r.gradients[weight], expected, TOL, 'first conv weight gradient');
  });
});
