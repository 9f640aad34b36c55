/**
 * The sandboxed processor of a scan's parent job: once every shard is done, merges their
 * summaries (in whatever order they finished; the merge is exact) into the scan's summary.
 */
import type { SandboxedJob } from 'bullmq';
import { mergeShards, scanToJson } from '../dataset/scan-shards.js';
import './sandbox-lifetime.js';
import { jobError, packSummary, unpackSummary, type ScanJobData } from './scan-queue-jobs.js';

export default async function mergeScan(job: SandboxedJob<ScanJobData, string>): Promise<string> {
  try {
    const shards = Object.values(await job.getChildrenValues<string>()).map(unpackSummary);
    return packSummary(scanToJson(mergeShards(shards, job.data.images), [0, job.data.images]));
  } catch (e) {
    throw jobError(e);
  }
}
