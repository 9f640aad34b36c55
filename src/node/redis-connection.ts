/**
 * The Redis a queued scan runs on: its `redis://` URL checked, and a reachability probe that
 * fails within seconds (the queue library itself would retry a dead server forever).
 */
import { ConvlensError } from '../errors.js';

/** Seconds a probe waits for Redis to answer. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Checks a queue URL's form: `redis://[user:password@]host:port[/db]` or `rediss://` (TLS).
 *
 * @example
 * queueUrl('redis://127.0.0.1:6379'); // the same URL
 */
export function queueUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConvlensError('BAD_OPTION', `--queue must be a Redis URL like redis://127.0.0.1:6379; got "${url}".`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConvlensError('BAD_OPTION', `--queue must be a redis:// or rediss:// URL (like redis://127.0.0.1:6379); got "${url}".`);
  }
  return url;
}

/** `url` without its password, for messages. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * Connects once and sends PING: resolves when Redis answers, else throws a `QUEUE_UNREACHABLE`
 * ConvlensError within a few seconds.
 *
 * @example
 * await probeRedis('redis://127.0.0.1:6379');
 */
export async function probeRedis(url: string): Promise<void> {
  // Loaded on first use: the Redis client costs every command's start-up otherwise.
  const { Redis } = await import('ioredis');
  const client = new Redis(queueUrl(url), { lazyConnect: true, connectTimeout: PROBE_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's own error (refused, unknown host) says more than the rejected connect().
  let cause: Error | undefined;
  client.on('error', (e: Error) => { cause ??= e; });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS); });
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
  } catch (e) {
    throw new ConvlensError('QUEUE_UNREACHABLE', `Cannot reach Redis at ${displayUrl(url)} (${(cause ?? (e as Error)).message}); start redis-server there, or give the right --queue URL.`, { cause: e });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
