/**
 * Imported by every sandboxed processor of the scan queue. A worker killed outright leaves its
 * sandboxed process orphaned, holding a model and a Redis connection, and BullMQ's wrapper then
 * loops on failed writes to the dead worker (each failure is reported by another write). Stop
 * as soon as the worker is gone rather than compute a result no one will collect.
 */
const worker = process.ppid;
const stopIfOrphaned = () => {
  if (process.ppid !== worker || !process.connected) process.exit(1);
};
process.on('disconnect', () => process.exit(1));
// Runs before BullMQ's own handler, which would write to the dead worker again.
process.prependListener('uncaughtException', stopIfOrphaned);
setInterval(stopIfOrphaned, 500).unref();
