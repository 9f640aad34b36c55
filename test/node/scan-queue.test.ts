/**
 * Queued scans on a real redis-server: two `convlens worker` processes, one killed outright
 * mid-scan; the scan folder written equals a local scan's byte for byte, and the shard the
 * killed worker held was redone by the other. A Redis that is down fails fast and clearly.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARD_QUEUE, type ShardJobData } from '../../src/node/scan-queue-jobs.js';
import { listFiles, runCli, tempDir, testPng } from '../cli/cli-harness.js';
import { freePort, startTied, type TiedProcess } from './tied-process.js';

const entry = fileURLToPath(new URL('../cli/cli-process.ts', import.meta.url));
const model = fileURLToPath(new URL('../../models/shapes.onnx', import.meta.url));
const started: TiedProcess[] = [];
let url = '';

/** Every file under a folder with its bytes. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  return Object.fromEntries(readdirSync(join(dir, prefix)).sort().flatMap((f) => {
    const path = join(prefix, f);
    return statSync(join(dir, path)).isDirectory() ? Object.entries(snapshot(dir, path)) : [[path, readFileSync(join(dir, path)).toString('base64')]];
  }));
}

const startWorker = () => {
  const w = startTied(process.execPath, ['--import', 'tsx', entry, 'worker', '--queue', url, '--threads', '1', '--lock-seconds', '2']);
  started.push(w);
  return w;
};

beforeAll(async () => {
  const port = await freePort();
  const redis = startTied('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  started.push(redis);
  await redis.waitFor(/Ready to accept connections/, 20_000);
  url = `redis://127.0.0.1:${port}`;
}, 30_000);

afterAll(async () => { await Promise.all(started.map((p) => p.stop())); });

describe('scan --queue', () => {
  it('with two workers, one killed mid-scan, writes the local scan\'s folder', async () => {
    const [a, b] = [startWorker(), startWorker()];
    await Promise.all([a, b].map((w) => w.waitFor(/waiting for scans/)));
    const args = ['scan', '--model', model, '--count', '1200', '--batch', '16', '--layers', 'features.7', '--top', '2', '--threads', '1'];
    const dir = tempDir();
    const queued = runCli([...args, '--queue', url, '--shard', '200', '--out', join(dir, 'queued')]);
    await a.waitFor(/shard \[\d+,\d+\] done/);
    // A is killed while both workers hold a shard (each takes about a second), so one is A's.
    const shards = new Queue<ShardJobData>(SHARD_QUEUE, { connection: { url } });
    let active: number[][] = [];
    for (let tries = 0; active.length < 2 && tries < 200; tries++) {
      active = (await shards.getActive()).map((j) => j.data.range);
      if (active.length < 2) await new Promise((r) => setTimeout(r, 25));
    }
    await shards.close();
    process.kill(await a.pid, 'SIGKILL');
    const result = await queued;
    expect(result.code, result.err).toBe(0);
    expect(active).toHaveLength(2);
    // A's shard was taken up by B once A's lock ran out (B's own was finished by B).
    for (const range of active) expect(b.output()).toContain(`shard [${range.join(',')}] done`);
    const local = await runCli([...args, '--out', join(dir, 'local')]);
    expect(local.code, local.err).toBe(0);
    const [queuedFiles, localFiles] = [snapshot(join(dir, 'queued')), snapshot(join(dir, 'local'))];
    expect(Object.keys(queuedFiles)).toContain('layers/features.7/units.json');
    expect(queuedFiles).toEqual(localFiles);
  }, 300_000);

  it('reports a shard\'s convlens error as the scan\'s own, without retrying it', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'a.png'), testPng(40, 30));
    writeFileSync(join(dir, 'data', 'b.png'), 'not a picture');
    if (started.length < 3) startWorker();
    const start = Date.now();
    const scan = await runCli(['scan', join(dir, 'data'), '--model', model, '--queue', url, '--strict', '--out', join(dir, 'out')]);
    expect(scan.code).toBe(1);
    expect(scan.err).toMatch(/b\.png.*\[IMAGE_UNDECODABLE\]/);
    expect(listFiles(dir)).toEqual(['data']);
    // Retried with a lost lock in between, it would take several seconds more.
    expect(Date.now() - start).toBeLessThan(60_000);
  }, 90_000);

  it('removes its jobs from the queue when interrupted while waiting for a worker', async () => {
    // A database no worker of the other tests listens on, so the jobs stay queued until the signal.
    const idle = `${url}/3`;
    const dir = tempDir();
    const scan = startTied(process.execPath, ['--import', 'tsx', entry, 'scan', '--model', model, '--count', '400', '--queue', idle, '--shard', '100', '--out', join(dir, 'out')]);
    started.push(scan);
    const shards = new Queue<ShardJobData>(SHARD_QUEUE, { connection: { url: idle } });
    try {
      while ((await shards.getJobCounts('waiting')).waiting < 4) await new Promise((r) => setTimeout(r, 100));
      process.kill(await scan.pid, 'SIGINT');
      await scan.ended;
      expect(scan.output()).toContain('stopped by SIGINT');
      expect(await shards.getJobCounts('waiting', 'active', 'delayed', 'failed')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
      expect(listFiles(dir)).toEqual([]);
    } finally {
      await shards.close();
    }
  }, 180_000);

  it('interrupted while a worker holds a shard, withdraws the shards not started', async () => {
    const busy = `${url}/4`;
    const worker = startTied(process.execPath, ['--import', 'tsx', entry, 'worker', '--queue', busy, '--threads', '1']);
    started.push(worker);
    await worker.waitFor(/waiting for scans/);
    const dir = tempDir();
    const scan = startTied(process.execPath, ['--import', 'tsx', entry, 'scan', '--model', model, '--count', '2000', '--batch', '16', '--queue', busy, '--shard', '100', '--out', join(dir, 'out')]);
    started.push(scan);
    const shards = new Queue<ShardJobData>(SHARD_QUEUE, { connection: { url: busy } });
    try {
      while ((await shards.getJobCounts('active')).active < 1) await new Promise((r) => setTimeout(r, 50));
      process.kill(await scan.pid, 'SIGINT');
      await scan.ended;
      const left = await shards.getJobCounts('waiting', 'active', 'delayed', 'failed');
      expect(left.waiting + left.delayed + left.failed).toBe(0);
      // The worker ends the shard it held and then waits for more: no other shard reaches it.
      await worker.waitFor(/shard \[\d+,\d+\] done/, 120_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(worker.output().match(/shard \[\d+,\d+\] done/g)).toHaveLength(1);
      expect(listFiles(dir)).toEqual([]);
    } finally {
      await shards.close();
    }
  }, 240_000);

  it('fails within seconds with a clear message when Redis is down, writing nothing', async () => {
    const down = `redis://127.0.0.1:${await freePort()}`;
    const dir = tempDir();
    const start = Date.now();
    const scan = await runCli(['scan', '--model', model, '--count', '20', '--queue', down, '--out', join(dir, 'out')]);
    expect(scan.code).toBe(1);
    expect(scan.err).toMatch(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/? \(connect ECONNREFUSED .*\); start redis-server there.*\[QUEUE_UNREACHABLE\]/);
    expect(listFiles(dir)).toEqual([]);
    const worker = await runCli(['worker', '--queue', down]);
    expect(worker.code).toBe(1);
    expect(worker.err).toMatch(/Cannot reach Redis.*\[QUEUE_UNREACHABLE\]/);
    expect(Date.now() - start).toBeLessThan(10_000);
    expect((await runCli(['scan', '--model', model, '--queue', 'http://x:1'])).err).toMatch(/--queue must be a redis:\/\/ or rediss:\/\/ URL/);
    expect((await runCli(['scan', '--model', model, '--queue', url, '--workers', '2'])).err).toMatch(/either --workers .* or --queue/);
    expect((await runCli(['scan', '--model', model, '--shard', '10'])).err).toMatch(/--shard sizes the shards of --workers or --queue/);
  }, 60_000);
});
