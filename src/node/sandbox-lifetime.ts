/**
 * Imported by every sandboxed processor of the scan queue. A worker killed outright leaves its
 * sandboxed process orphaned, still holding a model and a Redis connection that retries for
 * ever: stop with the worker rather than compute or wait for a result no one will collect.
 */
process.on('disconnect', () => process.exit(1));
