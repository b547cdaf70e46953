/**
 * Bounded heap in a burst (README "Memory"). A burst of 100,000 files allocates ~0.5 KB per
 * event that lives a little while (the watcher's batch, listings, pending events, the blocks'
 * JSON): with the small young generation the server runs with (`--max-semi-space-size=4`), much
 * of it is promoted, and V8 lets the old generation grow to 3x the live heap (75 MiB for ~25 MiB
 * live) before its first full collection. So every CHECK_EVERY units of work (events handled,
 * listed or published) the heap is looked at, and when it has grown by more than GROWTH_BYTES
 * since the last full collection, one runs at once (also in the middle of a long synchronous
 * pass such as verifying the whole tree): 15-30 ms each, a few per 100,000 files, none at a
 * trickle. `gc` is exposed at run time (v8.setFlagsFromString + vm); where that fails this is a
 * no-op.
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";

export const CHECK_EVERY = 5_000;
export const GROWTH_BYTES = 12 * 1024 * 1024;

let gcFn: (() => void) | null | undefined;
let work = 0;
let base = -1;

function collector(): (() => void) | null {
  if (gcFn === undefined) {
    try {
      const g = (globalThis as { gc?: unknown }).gc;
      if (typeof g === "function") gcFn = g as () => void;
      else {
        v8.setFlagsFromString("--expose-gc");
        gcFn = vm.runInNewContext("gc") as () => void;
      }
    } catch {
      gcFn = null;
    }
  }
  return gcFn;
}

/** Count `n` units of allocation-heavy work (see the module comment). */
export function noteWork(n: number): void {
  work += n;
  if (work < CHECK_EVERY) return;
  work = 0;
  const used = v8.getHeapStatistics().used_heap_size;
  if (base < 0 || used < base) {
    base = used;
    return;
  }
  if (used - base < GROWTH_BYTES) return;
  const gc = collector();
  if (!gc) return;
  gc();
  base = v8.getHeapStatistics().used_heap_size;
}
