/**
 * The sandboxed processor of shard jobs: runs in a process of its own, so a shard's long CPU
 * work never delays the worker's lock renewals. The model stays open between shards.
 */
import type { SandboxedJob } from 'bullmq';
import { jobError, packSummary, type ShardJobData } from './scan-queue-jobs.js';
import { ShardRunner } from './scan-spec.js';
import './sandbox-lifetime.js';

const threads = Number(process.env.CONVLENS_SHARD_THREADS) || undefined;
const runner = new ShardRunner(threads);

export default async function scanShard(job: SandboxedJob<ShardJobData, string>): Promise<string> {
  try {
    return packSummary(await runner.run(job.data.spec, job.data.range));
  } catch (e) {
    throw jobError(e);
  }
}
