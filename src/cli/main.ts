/** The `convlens` command line: dispatches to one file per command and turns errors into messages. */
import { ConvlensError } from '../errors.js';
import { methodRegistry } from '../methods/registry.js';
import { annotateCommand } from './annotate-command.js';
import { UsageError } from './command-line.js';
import { compareCommand } from './compare-command.js';
import { demoCommand } from './demo-command.js';
import { evaluateCommand } from './evaluate-command.js';
import { explainCommand } from './explain-command.js';
import { featuresCommand, filtersCommand } from './inside-commands.js';
import { layersCommand } from './layers-command.js';
import { reportCommand } from './report-command.js';
import { visualizeCommand } from './visualize-command.js';
import { dreamCommand } from './dream-command.js';

const usage = `convlens: see what a convolutional network sees.

  convlens demo     [--out FILE.html]   (the tank, obstacle and shapes studies, offline)
  convlens layers   --model M.onnx [--json] [--size HxW]
  convlens explain  IMAGE... --model M.onnx [--method M1,M2,...] [--layer L]
                    [--target T|T1,T2|NAME|top1|sum] [--output NAME] [--out DIR] [--raw]
                    [--crop T]   (Grad-CAM crop: region where the map >= T, and its box)
  convlens compare  IMAGE... --model M.onnx [--model N.onnx ...] [--method gradcam]
                    [--layers L1,L2 | --targets T1,T2] [--layer L] [--target T] [--out FILE.png]
  convlens report   IMAGE... --model M.onnx [--model N.onnx ...] [--method M1,M2,...]
                    [--layer L] [--target T] [--out FILE.html]   (one self-contained HTML page)
                    [--synthesis-steps 128]   (class visualizations of the predicted classes; 0: none)
  convlens filters  --model M.onnx --layer L [--range shared|per-filter] [--max N] [--out FILE.png] [--raw]
  convlens features IMAGE... --model M.onnx --layer L [--order index|mean] [--max N] [--out DIR] [--raw]
  convlens annotate --model M.onnx [--preprocess imagenet|unit|symmetric|JSON]
                    [--input-size HxW] [--labels FILE] [--out OUT.onnx]
  convlens evaluate IMAGE... --model M.onnx [--methods all|M1,M2] [--boxes boxes.csv]
                    [--metrics deletion,insertion,road,drop,pointing,randomization]
                    [--tolerance PX] [--randomize-layers K] [--seed N] [--out FILE.html]   (methods by metrics, curves, sanity flag)
  convlens visualize --model M.onnx --objective class:207 [--steps 512] [--lr 0.05] [--optimizer adam|ascent]
                    [--param fft|pixels] [--reg l2:1e-3,tv:1e-2,blur:0.5:4] [--transforms standard|none]
                    [--size HxW] [--batch N] [--seed N] [--redirect-relu STEPS] [--gif FILE.gif] [--curve FILE.png] [--out FILE.png]
                    [--figure classes|regularizers|channels [--classes 0-9] [--weights L1,L2] [--layer L --channels N]]
                    objectives: class:K prob:K logprob:K channel:L:C neuron:L:C[:Y:X] layer:L direction:L:v1,v2,.. diversity:L,
                    summed with + and weighted with W* (e.g. channel:layer4:25+100*diversity:layer4)
  convlens dream    IMAGE --model M.onnx --layer L [--objective O] [--octaves 4] [--scale 1.4] [--steps 20] [--lr 0.01] [--out FILE.png]

Methods: ${methodRegistry.map((m) => m.name).join(', ')}.
Method options: --samples N --noise S --seed N (smoothgrad), --steps N --baseline black|zero|blur (ig),
                --patch HxW --stride HxW --fill zero|mean|blur|V --unit LAYER:CHANNEL[:Y:X] (occlusion).
Model options: --preprocess P, --input-size HxW, --labels FILE, --memory-budget MIB, --download-timeout S,
               --threads N (CPU threads; default: every core; also for demo).
--model takes a path or an http(s) URL (downloaded once, then cached).
\`convlens <command> --help\` (or \`convlens help <command>\`) lists every option of a command.`;

type Command = (argv: string[], print: (line: string) => void) => Promise<void>;

const commands: Record<string, Command> = {
  demo: demoCommand,
  layers: layersCommand,
  explain: explainCommand,
  annotate: annotateCommand,
  compare: compareCommand,
  report: reportCommand,
  filters: filtersCommand,
  features: featuresCommand,
  evaluate: evaluateCommand,
  visualize: visualizeCommand,
  dream: dreamCommand,
};

/** Runs the CLI; returns the exit code. Errors are printed as messages, never as stack traces. */
export async function main(argv: string[], print = (l: string) => console.log(l), printError = (l: string) => console.error(l)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0 && rest[0] in commands) return main([rest[0], '--help'], print, printError);
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    print(usage);
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    printError(`convlens: unknown command "${name}".\n\n${usage}`);
    return 2;
  }
  try {
    await command(rest, print);
    return 0;
  } catch (e) {
    if (e instanceof ConvlensError) {
      printError(`convlens ${name}: ${e.message} [${e.code}]`);
      return e instanceof UsageError ? 2 : 1;
    }
    const err = e as Error & { code?: string };
    if (err.code?.startsWith('ERR_PARSE_ARGS')) {
      printError(`convlens ${name}: ${err.message}. Run \`convlens help\` for usage.`);
      return 2;
    }
    printError(`convlens ${name}: unexpected error: ${err.message ?? String(e)}\nThis is a convlens bug; please report it with the command you ran.`);
    if (process.env.CONVLENS_DEBUG) printError(String(err.stack));
    return 1;
  }
}
