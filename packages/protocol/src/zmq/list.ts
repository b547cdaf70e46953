/**
 * Client side of the MonitorServer's `list` method: pages fetched one at a time, a directory split
 * over pages merged back, so a consumer sees each directory once, as from a local walk
 * (docs/ARCHITECTURE.md, "Wire protocol"). The next page is asked for while one is handed over.
 * Memory: two pages plus the largest directory.
 */
import { type ListResult, MonitorMethodResults } from "../schemas";
import type { ControlClient } from "./client";

export interface ListedFile {
  name: string;
  size: number;
  mtimeMs: number;
  ino?: number;
}

/** One directory of a monitor's tree (an absolute path on the MonitorServer's host). */
export interface ListedDirectory {
  dir: string;
  files: ListedFile[];
}

/** What a finished listing says besides its directories (the generator's return value). */
export interface ListSummary {
  /** false: the monitor's root does not exist or is not a directory (nothing was listed). */
  present: boolean;
  /** Directories that could not be read: their files are unknown, not gone. */
  unreadableDirs: string[];
  dirs: number;
  files: number;
  pages: number;
}

export interface ListOptions {
  /** Files per page (the server caps it at MAX_BLOCK_EVENTS). */
  limit?: number;
  /** Per page; a timed-out page is asked again once with the same cursor (the server repeats it). */
  timeoutMs?: number;
}

/**
 * Every directory of monitor `monitorId`'s tree with its files, filtered as the monitor filters.
 * Throws ControlCallError (UNKNOWN_MONITOR, BAD_PARAMS for an expired cursor, TIMEOUT) part-way:
 * a consumer must then treat the listing as incomplete (never as "the rest is gone").
 * Use with for-await; the summary is the return value (`next()` gives it with done: true).
 */
export async function* listMonitor(
  client: ControlClient,
  monitorId: string,
  opts: ListOptions = {},
): AsyncGenerator<ListedDirectory, ListSummary, undefined> {
  const summary: ListSummary = { present: true, unreadableDirs: [], dirs: 0, files: 0, pages: 0 };
  let pending: ListedDirectory | null = null;
  const ask = (cursor?: string): Promise<ListResult> => {
    const params = { monitorId, ...(cursor ? { cursor } : {}), ...(opts.limit ? { limit: opts.limit } : {}) };
    const once = () => client.call("list", params, MonitorMethodResults.list, opts.timeoutMs);
    // Only a page with a cursor is asked again: the server answers a repeated cursor with the same
    // page, while a repeated first call would start a second walk.
    return once().catch((e: unknown) => {
      if (cursor && (e as { code?: string }).code === "TIMEOUT") return once();
      throw e;
    });
  };
  let next: Promise<ListResult> | null = ask();
  while (next) {
    const page: ListResult = await next;
    summary.pages += 1;
    if (!page.present) return { ...summary, present: false };
    // The next page is read by the server while this one is handed over (two pages in memory).
    next = page.cursor === null ? null : ask(page.cursor);
    next?.catch(() => undefined);
    summary.unreadableDirs.push(...page.unreadable);
    for (const d of page.dirs) {
      if (pending && pending.dir === d.dir) pending.files.push(...d.files);
      else {
        if (pending) {
          summary.dirs += 1;
          summary.files += pending.files.length;
          yield pending;
        }
        pending = { dir: d.dir, files: [...d.files] };
      }
      if (!d.more) {
        summary.dirs += 1;
        summary.files += pending.files.length;
        const done = pending;
        pending = null;
        yield done;
      }
    }
  }
  if (pending) {
    summary.dirs += 1;
    summary.files += pending.files.length;
    yield pending;
  }
  return summary;
}

/**
 * listMonitor with a callback awaited per directory (the shape of DropBox's local walk): resolves
 * to the summary once every directory was handed over.
 */
export async function listMonitorTree(
  client: ControlClient,
  monitorId: string,
  onDir: (dir: ListedDirectory) => Promise<void>,
  opts: ListOptions = {},
): Promise<ListSummary> {
  const it = listMonitor(client, monitorId, opts);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    await onDir(r.value);
  }
}
