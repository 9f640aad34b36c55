/** A tiny model whose weights live in an external data file, for the model-source tests. */
import { encodeModel } from '../../src/onnx/codec.js';
import { ModelProtoType } from '../../src/onnx/schema.js';
import { float32Tensor } from '../../src/onnx/tensor.js';
import { DataType, type Model } from '../../src/onnx/types.js';

/** y = x * w + b, with w and b stored in `location` at offsets 16 and 32 (after 16 unrelated bytes). */
export function externalDataModel(location = 'weights.bin'): { model: Uint8Array; data: Uint8Array } {
  const model: Model = {
    irVersion: 8, opsets: [{ domain: '', version: 17 }], producerName: 'test', producerVersion: '', metadata: {}, functions: [],
    graph: {
      name: 'g', valueInfo: [],
      nodes: [
        { name: 'mul', opType: 'Mul', domain: '', inputs: ['x', 'w'], outputs: ['xw'], attributes: {}, metadata: {} },
        { name: 'add', opType: 'Add', domain: '', inputs: ['xw', 'b'], outputs: ['y'], attributes: {}, metadata: {} },
      ],
      inputs: [{ name: 'x', elemType: DataType.FLOAT, shape: [1, 4] }],
      outputs: [{ name: 'y', elemType: DataType.FLOAT, shape: [1, 4] }],
      initializers: new Map([['w', float32Tensor('w', [1, 4], [1, 2, 3, 4])], ['b', float32Tensor('b', [4], [0.5, -1, 10, 0.25])]]),
    },
  };
  // encodeModel refuses tensors that still point at external data, so the reference is written into the protobuf directly.
  const proto = ModelProtoType.decode(encodeModel(model)) as unknown as { graph: { initializer: Record<string, unknown>[] } };
  const data = new Uint8Array(48);
  data.fill(0xee, 0, 16);
  proto.graph.initializer.forEach((t, i) => {
    data.set(t.rawData as Uint8Array, 16 + 16 * i);
    delete t.rawData;
    t.dataLocation = 1;
    t.externalData = [{ key: 'location', value: location }, { key: 'offset', value: String(16 + 16 * i) }, { key: 'length', value: '16' }];
  });
  return { model: ModelProtoType.encode(ModelProtoType.fromObject(proto)).finish(), data };
}
