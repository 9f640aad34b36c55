/**
 * Processes a test starts that end with the test process, however it ends: each runs under a
 * shell that kills it as soon as the test's end of a pipe closes (normal end, failure, crash).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';

export interface TiedProcess {
  /** The process's own pid (not the watching shell's). */
  pid: Promise<number>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves when a line matching `pattern` appears (rejects when it exits first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Kills it outright and waits for the watching shell to end. */
  stop(): Promise<void>;
  /** Resolves when it has ended, by itself or by `stop`. */
  ended: Promise<void>;
}

// The reader runs beside the wait so that both the test's end and the process's own end are seen; it reads fd 3 because a background job's stdin is /dev/null.
const WATCH = 'exec 3<&0; "$@" </dev/null & p=$!; echo "tied-pid $p"; { read _ <&3; kill -KILL $p 2>/dev/null; } & k=$!; wait $p; kill $k 2>/dev/null; exit 0';

export function startTied(command: string, args: string[]): TiedProcess {
  // The command line would re-run itself under tuned malloc settings; without them the pid a
  // test kills is the process doing the work, as a killed machine's would be.
  const env = { ...process.env, CONVLENS_MALLOC: 'default' };
  const shell: ChildProcessWithoutNullStreams = spawn('sh', ['-c', WATCH, 'sh', command, ...args], { stdio: 'pipe', env });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => { text += d.toString(); for (const l of listeners) l(); };
  shell.stdout.on('data', onData);
  shell.stderr.on('data', onData);
  const exited = new Promise<void>((resolve) => shell.on('close', () => { for (const l of listeners) l(); resolve(); }));
  let closed = false;
  shell.on('close', () => { closed = true; });
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) => new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { listeners.delete(check); reject(new Error(`No line matching ${pattern} within ${timeoutMs} ms; output:\n${text}`)); }, timeoutMs);
    const check = () => {
      const m = pattern.exec(text);
      if (!m && !closed) return;
      clearTimeout(timer);
      listeners.delete(check);
      if (m) resolve(m[0]); else reject(new Error(`Ended before printing ${pattern}; output:\n${text}`));
    };
    listeners.add(check);
    check();
  });
  return {
    pid: waitFor(/tied-pid (\d+)/).then((line) => Number(line.split(' ')[1])),
    output: () => text,
    waitFor,
    stop: async () => { shell.stdin.end(); await exited; },
    ended: exited,
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
