/**
 * The `list` method's walks (I/O shell; decisions in core/listing.ts). A walk is held by the
 * server between pages: a stack of directories still to list and the one directory being listed,
 * so memory is bounded by the largest directory, never by the tree. Stats run STAT_CONCURRENCY at
 * a time. A walk not used for listIdleMs is dropped; at most MAX_WALKS are held.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { depthBelow, type ListResult, MAX_FOLDER_DEPTH, type MonitorParams } from "@omero-fs/protocol";
import {
  cursorOf,
  cursorStep,
  type EntryKind,
  isIdle,
  type ListRules,
  listAction,
  listRules,
  pageLimit,
  parseCursor,
  walksToEvict,
} from "./core/listing";
import { ControlError } from "./errors";

/** Stats in flight per page: enough to hide latency (NFS), few enough to keep memory flat. */
const STAT_CONCURRENCY = 64;
/** Walks held at once (each a directory stack and one directory's names). */
const MAX_WALKS = 32;

type ListedDir = ListResult["dirs"][number];
type ListedFile = ListedDir["files"][number];

interface Walk {
  id: string;
  monitorId: string;
  rules: ListRules;
  stack: string[];
  /** The directory being listed: the names still to stat from `pos` on. */
  cur: { dir: string; names: string[]; pos: number } | null;
  /** Pages served so far. */
  served: number;
  /** The answer to the last page, sent again when the client repeats its cursor. */
  last: Promise<ListResult> | null;
  done: boolean;
  /** A page is being read: never expired meanwhile (a slow mount may take long). */
  busy: boolean;
  lastUsedAt: number;
}

export class Listings {
  private readonly walks = new Map<string, Walk>();

  constructor(private readonly idleMs: number) {}

  /** One page of monitor `monitorId`'s listing (a new walk without a cursor). */
  list(
    monitorId: string,
    params: MonitorParams,
    req: { cursor?: string; limit?: number },
    now = Date.now(),
  ): Promise<ListResult> {
    this.expire(now);
    const limit = pageLimit(req.limit);
    if (req.cursor === undefined) return this.first(monitorId, params, limit, now);
    const c = parseCursor(req.cursor);
    const w = c ? this.walks.get(c.walkId) : undefined;
    if (!c || !w) {
      throw new ControlError(
        "BAD_PARAMS",
        `list cursor ${req.cursor} is unknown or expired (a cursor not used for ${Math.round(this.idleMs / 1000)} s expires, and a restarted MonitorServer knows none): start the listing again without a cursor`,
      );
    }
    if (w.monitorId !== monitorId)
      throw new ControlError(
        "BAD_PARAMS",
        `list cursor ${req.cursor} belongs to monitor ${w.monitorId}, not ${monitorId}`,
      );
    w.lastUsedAt = now;
    const step = cursorStep(c.page, w.served);
    if (step === "repeat" && w.last) return w.last;
    if (step !== "next" || w.done) {
      throw new ControlError(
        "BAD_PARAMS",
        `list cursor ${req.cursor} is stale (page ${w.served} was served last): start the listing again without a cursor`,
      );
    }
    return this.next(w, limit);
  }

  /** A monitor was destroyed: its walks go too. */
  dropMonitor(monitorId: string): void {
    for (const w of this.walks.values()) if (w.monitorId === monitorId) this.walks.delete(w.id);
  }

  expire(now: number): void {
    for (const w of this.walks.values()) if (!w.busy && isIdle(w.lastUsedAt, now, this.idleMs)) this.walks.delete(w.id);
  }

  get size(): number {
    return this.walks.size;
  }

  private async first(monitorId: string, params: MonitorParams, limit: number, now: number): Promise<ListResult> {
    const rules = listRules(params);
    const st = await fs.promises.stat(rules.root).catch(() => null);
    if (!st?.isDirectory()) return { present: false, dirs: [], unreadable: [], cursor: null };
    const w: Walk = {
      id: randomUUID(),
      monitorId,
      rules,
      stack: [rules.root],
      cur: null,
      served: 0,
      last: null,
      done: false,
      busy: false,
      lastUsedAt: now,
    };
    this.walks.set(w.id, w);
    const evict = walksToEvict(
      [...this.walks.values()].map((x) => ({
        id: x.id,
        lastUsedAt: x.id === w.id || x.busy ? Number.POSITIVE_INFINITY : x.lastUsedAt,
        done: x.done,
      })),
      MAX_WALKS,
    );
    for (const id of evict) this.walks.delete(id);
    return this.next(w, limit);
  }

  private next(w: Walk, limit: number): Promise<ListResult> {
    w.served += 1;
    w.busy = true;
    const page = fillPage(w, limit).then((r) => {
      w.done = r.done;
      w.busy = false;
      // The idle time counts from the answer.
      w.lastUsedAt = Date.now();
      return {
        present: true,
        dirs: r.dirs,
        unreadable: r.unreadable,
        cursor: r.done ? null : cursorOf(w.id, w.served + 1),
      };
    });
    // A failed page (it should not: every fs error is caught) ends the walk.
    page.catch(() => {
      w.busy = false;
      this.walks.delete(w.id);
    });
    w.last = page;
    return page;
  }
}

function kindOf(e: fs.Dirent): EntryKind {
  if (e.isDirectory()) return "dir";
  if (e.isFile()) return "file";
  if (e.isSymbolicLink()) return "symlink";
  return "other";
}

/** Up to `limit` files (and at most `limit` directories, for trees of empty folders). */
async function fillPage(w: Walk, limit: number): Promise<{ dirs: ListedDir[]; unreadable: string[]; done: boolean }> {
  const dirs: ListedDir[] = [];
  const unreadable: string[] = [];
  let files = 0;
  while (files < limit && dirs.length + unreadable.length < limit) {
    if (!w.cur) {
      const dir = w.stack.pop();
      if (dir === undefined) return { dirs, unreadable, done: true };
      // Too deep to enter (the monitor refuses it, and logs why): its files are unknown, not gone.
      if (depthBelow(w.rules.root, dir) >= MAX_FOLDER_DEPTH) {
        unreadable.push(dir);
        continue;
      }
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        unreadable.push(dir);
        continue;
      }
      const names: string[] = [];
      for (const e of entries) {
        const a = listAction(dir, e.name, kindOf(e), w.rules);
        if (a === "descend") w.stack.push(path.join(dir, e.name));
        else if (a === "stat") names.push(e.name);
      }
      w.cur = { dir, names, pos: 0 };
    }
    const c = w.cur;
    const out: ListedFile[] = [];
    const end = Math.min(c.names.length, c.pos + (limit - files));
    while (c.pos < end) {
      const part = c.names.slice(c.pos, Math.min(end, c.pos + STAT_CONCURRENCY));
      const stats = await Promise.all(part.map((n) => fs.promises.stat(path.join(c.dir, n)).catch(() => null)));
      stats.forEach((s, i) => {
        // Gone since readdir, or a symlink to a directory or to nothing: not a file here.
        if (s?.isFile()) out.push({ name: part[i]!, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino });
      });
      c.pos += part.length;
    }
    const more = c.pos < c.names.length;
    // Files that vanished between readdir and stat leave room: the same directory goes on in the
    // same entry, so `more` always means "continued on the next page".
    const prev = dirs[dirs.length - 1];
    if (prev?.more && prev.dir === c.dir) {
      prev.files.push(...out);
      prev.more = more;
    } else dirs.push({ dir: c.dir, files: out, more });
    files += out.length;
    if (!more) w.cur = null;
  }
  return { dirs, unreadable, done: w.cur === null && w.stack.length === 0 };
}
