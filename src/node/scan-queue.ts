/**
 * A scan as jobs on a Redis queue: one parent job per scan with a child job per shard, run by
 * `convlens worker` processes on any machines; a worker that dies loses only its current
 * shard, which another worker takes up once its lock runs out. The parent merges the shards
 * exactly, so the result equals a scan on one machine.
 */
import { FlowProducer, Job, Queue } from 'bullmq';
import { scanFromJson, shardRanges, shardSize } from '../dataset/scan-shards.js';
import type { ScanSummary } from '../dataset/scan.js';
import type { ProgressOptions } from '../engine/engine.js';
import { ConvlensError } from '../errors.js';
import { displayUrl, probeRedis, queueUrl } from './redis-connection.js';
import { errorFromJob, SCAN_QUEUE, SHARD_QUEUE, unpackSummary, type ScanJobData, type ShardJobData } from './scan-queue-jobs.js';
import type { ScanSpec } from './scan-spec.js';

export interface QueueScanOptions extends ProgressOptions {
  /** Images per shard; default a whole number of batches near 1000. */
  shardImages?: number;
  /** Times a shard that throws is tried; default 3 (convlens errors, such as unreadable input, are not retried). */
  attempts?: number;
  /** Notes for the user while waiting (no worker listening yet). */
  onNote?: (line: string) => void;
}

const POLL_MS = 250;
/** A day: how long the queue keeps a finished scan no one came back for. */
const ABANDONED_SECONDS = 24 * 3600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the spec's scan on the queue at `url` and waits for the merged summary. Throws
 * `QUEUE_UNREACHABLE` within seconds when Redis does not answer.
 *
 * @example
 * const scan = await scanOnQueue('redis://127.0.0.1:6379', spec, { onProgress: (done, total) => console.log(done, total) });
 */
export async function scanOnQueue(url: string, spec: ScanSpec, options: QueueScanOptions = {}): Promise<ScanSummary> {
  await probeRedis(queueUrl(url));
  const connection = { url };
  const flow = new FlowProducer({ connection });
  const scans = new Queue<ScanJobData, string>(SCAN_QUEUE, { connection });
  const shards = new Queue<ShardJobData, string>(SHARD_QUEUE, { connection });
  const ranges = shardRanges(spec.images, options.shardImages ?? shardSize(spec.scan.batchSize ?? 32));
  let parent: Job | undefined;
  try {
    const node = await flow.add({
      name: 'scan', queueName: SCAN_QUEUE, data: { images: spec.images } satisfies ScanJobData,
      // Removed by this function when it ends; these ages only clear scans whose submitter died.
      opts: { removeOnComplete: { age: ABANDONED_SECONDS }, removeOnFail: { age: ABANDONED_SECONDS } },
      children: ranges.map((range) => ({
        name: 'shard', queueName: SHARD_QUEUE, data: { spec, range } satisfies ShardJobData,
        // A finished shard's result lives on in its parent, which is all the merge reads.
        opts: { attempts: options.attempts ?? 3, failParentOnFailure: true, removeOnComplete: true, removeOnFail: { age: ABANDONED_SECONDS } },
      })),
    });
    parent = node.job;
    if (await shards.getWorkersCount() === 0) options.onNote?.(`No worker is listening on ${displayUrl(url)} yet; the scan waits for one (start it with: convlens worker --queue ${displayUrl(url)}).`);
    for (;;) {
      if (options.signal?.aborted) throw new ConvlensError('ABORTED', 'The scan was cancelled; its jobs were removed from the queue.');
      const state = await parent.getState();
      if (state === 'completed' || state === 'failed') break;
      const { processed = 0 } = await parent.getDependenciesCount({ processed: true });
      // Every shard but the last holds the same number of images.
      options.onProgress?.(Math.min(processed * (ranges[0][1] - ranges[0][0]), spec.images), spec.images);
      await sleep(POLL_MS);
    }
    const finished = (await Job.fromId<ScanJobData, string>(scans, parent.id!))!;
    if (finished.returnvalue) return scanFromJson(unpackSummary(finished.returnvalue));
    // A failed shard fails its parent with "child <prefix>:<queue>:<id> failed"; the shard says why.
    const child = new RegExp(`child .*:${SHARD_QUEUE}:([^:\\s]+) failed`).exec(finished.failedReason);
    const shard = child ? await Job.fromId<ShardJobData, string>(shards, child[1]) : undefined;
    throw errorFromJob(shard?.failedReason ?? finished.failedReason);
  } finally {
    // Removes the scan with its shard jobs, whether it finished, failed or was abandoned. A
    // shard a worker holds blocks removing its parent, so the shards not started go first.
    await parent?.removeUnprocessedChildren().catch(() => undefined);
    await parent?.remove().catch(() => undefined);
    await Promise.all([flow.close(), scans.close(), shards.close()]);
  }
}
