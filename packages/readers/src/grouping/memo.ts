/**
 * Per-run memo: a value computed once per grouping run (one Ctx) and key, e.g. the planes an `.nd` names,
 * which every TIFF of its folder asks for (without it a 10,000-plane folder parses its index 10,000 times).
 */
import type { Ctx } from "./context";

const memos = new WeakMap<Ctx, Map<string, unknown>>();

export function memo<T>(ctx: Ctx, key: string, make: () => T): T {
  let m = memos.get(ctx);
  if (!m) {
    m = new Map();
    memos.set(ctx, m);
  }
  if (m.has(key)) return m.get(key) as T;
  const v = make();
  m.set(key, v);
  return v;
}
