/**
 * Ctrl-C during a long command: the first SIGINT aborts the running job through its
 * AbortSignal, so it stops between steps and writes nothing.
 */
export function abortOnInterrupt(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSignal) };
}
