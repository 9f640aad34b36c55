/**
 * The jobs of a queued scan, shared by the command that submits it and the workers: a parent
 * job per scan (merges) whose children are its shards (scan a range). Summaries travel
 * gzipped, and a ConvlensError keeps its code across processes.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ScanSummaryJson } from '../dataset/scan-shards.js';
import { ConvlensError, type ConvlensErrorCode } from '../errors.js';
import type { ScanSpec } from './scan-spec.js';

/** Queue of the parent jobs (one per scan). */
export const SCAN_QUEUE = 'convlens-scans';
/** Queue of the shard jobs. */
export const SHARD_QUEUE = 'convlens-shards';

export interface ShardJobData { spec: ScanSpec; range: [number, number] }
export interface ScanJobData { images: number }

/** A summary as a string job result (gzipped JSON in base64: shards of wide layers run to megabytes of JSON). */
export function packSummary(summary: ScanSummaryJson): string {
  return gzipSync(JSON.stringify(summary)).toString('base64');
}

export function unpackSummary(packed: string): ScanSummaryJson {
  return JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as ScanSummaryJson;
}

const CODED = /^convlens ([A-Z_]+): /;

/**
 * A job failure as it should reach the user: a ConvlensError's code travels in the message
 * and does not retry (bad input stays bad); anything else may be retried.
 */
export function jobError(e: unknown): Error {
  if (!(e instanceof ConvlensError)) return e instanceof Error ? e : new Error(String(e));
  const error = new Error(`convlens ${e.code}: ${e.message}`);
  // The queue library fails a job with this name at once instead of retrying it.
  error.name = 'UnrecoverableError';
  return error;
}

/** The ConvlensError a failed job's reason describes (RUNTIME when it was not one). */
export function errorFromJob(reason: string): ConvlensError {
  const m = CODED.exec(reason);
  return m ? new ConvlensError(m[1] as ConvlensErrorCode, reason.slice(m[0].length)) : new ConvlensError('RUNTIME', `A queued scan job failed: ${reason}`);
}
