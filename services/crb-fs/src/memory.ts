import v8 from 'node:v8';
import vm from 'node:vm';

type Gc = (opts?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

/**
 * A young-generation collection on demand. Streaming allocates one short-lived buffer per socket read; V8 sizes its
 * collections by the JS heap, not by those buffers' memory, so without a nudge tens of MiB of dead buffers wait
 * for the next collection. A scavenge of a small young generation takes well under a millisecond.
 * Returns undefined when the runtime does not allow it (the service then simply uses more memory).
 */
export function minorGc(): (() => void) | undefined {
  try {
    const existing = (globalThis as { gc?: Gc }).gc;
    let gc = existing;
    if (!gc) {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as Gc;
    }
    const fn = gc;
    return () => fn({ type: 'minor', execution: 'sync' });
  } catch {
    return undefined;
  }
}
