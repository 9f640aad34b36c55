/** `convlens layers`: the model's layers in execution order, as a table or JSON. */
import { parseArgs } from 'node:util';
import { modelOptionSpec, openModelFromFlags, parseSize, refuseSeveralModels } from './options.js';

export async function layersCommand(argv: string[], print: (line: string) => void): Promise<void> {
  refuseSeveralModels(argv, 'layers');
  const { values } = parseArgs({ args: argv, options: { ...modelOptionSpec, json: { type: 'boolean' }, size: { type: 'string' } }, strict: true });
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
