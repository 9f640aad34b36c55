/** The `convlens` command line: dispatches to one file per command and turns errors into messages. */
import { ConvlensError } from '../errors.js';
import { methodRegistry } from '../methods/registry.js';
import { annotateCommand } from './annotate-command.js';
import { compareCommand } from './compare-command.js';
import { demoCommand } from './demo-command.js';
import { explainCommand } from './explain-command.js';
import { featuresCommand, filtersCommand } from './inside-commands.js';
import { layersCommand } from './layers-command.js';
import { reportCommand } from './report-command.js';
import { scanCommand } from './scan-command.js';

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
  convlens filters  --model M.onnx --layer L [--range shared|per-filter] [--max N] [--out FILE.png] [--raw]
  convlens features IMAGE... --model M.onnx --layer L [--order index|mean] [--max N] [--out DIR] [--raw]
  convlens annotate --model M.onnx [--preprocess imagenet|unit|symmetric|JSON]
                    [--input-size HxW] [--labels FILE] [--out OUT.onnx]
  convlens scan     [DATA | --dataset shapes|tanks-biased|tanks-balanced [--count N]] --model M.onnx
                    [--layers L1,L2] [--top 9] [--rank mean|max] [--batch N] [--masks] [--strict] [--out DIR]
                    (DATA: a folder (labels from class sub-folders), a .csv of path,label, or a list file)

Methods: ${methodRegistry.map((m) => m.name).join(', ')}.
Method options: --samples N --noise S --seed N (smoothgrad), --steps N --baseline black|zero|blur (ig),
                --patch HxW --stride HxW --fill zero|mean|blur|V --unit LAYER:CHANNEL[:Y:X] (occlusion).
Model options: --preprocess P, --input-size HxW, --labels FILE, --memory-budget MIB.
--model takes a path or an http(s) URL (downloaded once, then cached).`;

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
  scan: scanCommand,
};

/** Runs the CLI; returns the exit code. Errors are printed as messages, never as stack traces. */
export async function main(argv: string[], print = (l: string) => console.log(l), printError = (l: string) => console.error(l)): Promise<number> {
  const [name, ...rest] = argv;
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
      return 1;
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
