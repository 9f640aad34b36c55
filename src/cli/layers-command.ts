/** `convlens layers`: the model's layers in execution order, as a table or JSON. */
import { defineCommand, parseCommandLine } from './command-line.js';
import { modelFlags, openModelFromFlags, parseSize } from './options.js';

export const layersSpec = defineCommand({
  name: 'layers',
  summary: 'Lists the layers of a model in execution order, with module paths, ops and output shapes: the names --layer takes.',
  flags: {
    ...modelFlags,
    json: { type: 'boolean', help: 'print JSON instead of a table' },
    size: { type: 'string', value: 'HxW', help: 'shapes at this input size (default the model\'s)' },
  },
  notes: ['Example: convlens layers --model resnet50.onnx'],
});

export async function layersCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(layersSpec, argv, print);
  if (!args) return;
  const { values } = args;
  const model = await openModelFromFlags(values);
  try {
    const layers = values.size ? model.layersFor([model.itemShape[0], ...parseSize(values.size, '--size')]) : model.layers;
    if (values.json) {
      print(JSON.stringify(layers.map(({ name, module, op, shape, tensor }) => ({ name, module, op, shape, tensor })), null, 2));
      return;
    }
    const rows = layers.map((l, i) => [String(i), l.module ?? '', l.op, `[${l.shape.join(', ')}]`, l.name]);
    const header = ['#', 'module', 'op', 'output shape', 'name'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ');
    print(line(header));
    for (const r of rows) print(line(r));
  } finally {
    await model.dispose();
  }
}
