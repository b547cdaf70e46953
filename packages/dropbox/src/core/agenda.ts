/**
 * When each waiting fileset is judged again (the readiness step), and in which order. A fileset is
 * judged when one of its files changed (`touch`) or its own next deadline comes (`set`: the end of
 * its quiet period, settle time, hold, incompleteWait, the next open-for-write look), never on every
 * tick: 20,000 filesets waiting for files that do not change cost nothing. Among the filesets due,
 * users take turns (the one served least recently first, each user's earliest deadline first), so
 * one user's thousands of due filesets do not delay another user's one. Pure data: time is an argument.
 */

type Item = [at: number, id: number];

/** A binary min-heap of (at, id); stale items (the id moved or left) are skipped when popped. */
class Heap {
  readonly items: Item[] = [];
  push(it: Item): void {
    const a = this.items;
    a.push(it);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p]![0] <= a[i]![0]) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  peek(): Item | undefined {
    return this.items[0];
  }
  pop(): Item | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]![0] < a[m]![0]) m = l;
        if (r < a.length && a[r]![0] < a[m]![0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

export class Agenda {
  /** Every fileset known, with its user and next deadline (Infinity: only after a change). */
  private readonly entries = new Map<number, { user: string; at: number }>();
  private readonly heaps = new Map<string, Heap>();
  private readonly counts = new Map<string, number>();
  private readonly served = new Map<string, number>();
  private turn = 0;

  get size(): number {
    return this.entries.size;
  }

  has(id: number): boolean {
    return this.entries.has(id);
  }

  userOf(id: number): string | undefined {
    return this.entries.get(id)?.user;
  }

  /** Judge `id` again at `at` (Infinity: only after a change). */
  set(id: number, user: string, at: number): void {
    const e = this.entries.get(id);
    if (e && e.user !== user) this.delete(id);
    if (!this.entries.has(id)) this.counts.set(user, (this.counts.get(user) ?? 0) + 1);
    this.entries.set(id, { user, at });
    if (at === Number.POSITIVE_INFINITY) return;
    let h = this.heaps.get(user);
    if (!h) {
      h = new Heap();
      this.heaps.set(user, h);
    }
    h.push([at, id]);
    // Stale items pile up when deadlines move: rebuild a heap grown past twice its live entries.
    if (h.items.length > 2 * (this.counts.get(user) ?? 0) + 64) this.rebuild(user);
  }

  /** Something of `id` changed: judge it at once. */
  touch(id: number, user: string): void {
    this.set(id, user, Number.NEGATIVE_INFINITY);
  }

  delete(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    const n = (this.counts.get(e.user) ?? 1) - 1;
    if (n > 0) this.counts.set(e.user, n);
    else {
      this.counts.delete(e.user);
      this.heaps.delete(e.user);
    }
  }

  /** Ids known here, for a sweep that drops what left the waiting state unnoticed. */
  ids(): IterableIterator<number> {
    return this.entries.keys();
  }

  /**
   * Up to `limit` filesets due at `now`, users in turns (least recently served first). They leave
   * the agenda: the caller judges them and sets their next deadline.
   */
  takeDue(now: number, limit: number): { id: number; user: string }[] {
    const out: { id: number; user: string }[] = [];
    while (out.length < limit) {
      const users: string[] = [];
      for (const user of this.heaps.keys()) if (this.head(user) <= now) users.push(user);
      if (users.length === 0) break;
      users.sort((a, b) => (this.served.get(a) ?? -1) - (this.served.get(b) ?? -1));
      for (const user of users) {
        if (out.length >= limit) break;
        const [, id] = this.heaps.get(user)!.pop()!;
        this.delete(id);
        out.push({ id, user });
        this.served.set(user, ++this.turn);
      }
    }
    return out;
  }

  /** The earliest deadline of any fileset (Infinity: none). */
  earliest(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const user of this.heaps.keys()) min = Math.min(min, this.head(user));
    return min;
  }

  /** The earliest live deadline of a user's heap, dropping stale items on top. */
  private head(user: string): number {
    const h = this.heaps.get(user);
    for (let top = h?.peek(); h && top; top = h.peek()) {
      const e = this.entries.get(top[1]);
      if (e && e.user === user && e.at === top[0]) return top[0];
      h.pop();
    }
    return Number.POSITIVE_INFINITY;
  }

  private rebuild(user: string): void {
    const h = new Heap();
    for (const [id, e] of this.entries) if (e.user === user && e.at !== Number.POSITIVE_INFINITY) h.push([e.at, id]);
    this.heaps.set(user, h);
  }
}
