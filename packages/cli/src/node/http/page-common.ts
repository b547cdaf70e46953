/** What every part of the status page shares: its context, escaping, names and times. */
import * as path from "node:path";
import type { ledgerShow } from "@omero-fs/dropbox/ledger";
import type { RemoteMonitor } from "@omero-fs/protocol";
import type { HealthItem } from "../../core/status-health";
import { escapeName } from "../../format";

export type PageData = ledgerShow.PageData;
export type PageFileset = ledgerShow.PageFileset;

/** The data the attention list needs beyond the page data: stuck filesets and the oldest waiting one. */
export interface Attention {
  /** The most overdue stuck filesets (at most a few), with how long past their due time. */
  stuck: { f: PageFileset; overdueMs: number }[];
  stuckTotal: number;
  oldestWaiting: PageFileset | null;
}

export interface PageContext {
  data: PageData;
  q: string;
  /** ?state= and ?user= (null: all). */
  filter: { state: string | null; user: string | null };
  /** Every user the ledger knows (for the user filter), whatever the filters. */
  allUsers: string[];
  now: number;
  watchDirs: string[];
  /** dirImportWait of each watch (by index). */
  quietSeconds: number[];
  refreshSeconds: number;
  nonce: string;
  /** The DropBox's MonitorServers on storage hosts (none: the section is left out). */
  remote?: RemoteMonitor[];
  /** The health bar (none: left out). */
  health?: HealthItem[];
  /** omero.fs.webUrl: imported filesets link to their images in OMERO.web ("" or absent: no links). */
  webUrl?: string;
  attention?: Attention;
  /** The DropBox's queue is paused for OMERO (status.omero.up false): queued filesets say so. */
  omeroPaused?: boolean;
}

/**
 * Text from outside (file names, users, reasons) as HTML: control characters and bidi overrides
 * escaped as the CLI's tables escape them (`\u202e`, `\x1b`), then the HTML special characters.
 */
export function esc(s: string | number | null | undefined): string {
  return escapeName(String(s ?? "")).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A path as its owner thinks of it: below their own folder. */
export function relName(p: string, user: string, watchDirs: string[]): string {
  for (const w of [...watchDirs].sort((a, b) => b.length - a.length)) {
    if (p.startsWith(`${w}/`)) {
      const rest = p.slice(w.length + 1);
      return rest.startsWith(`${user}/`) ? rest.slice(user.length + 1) : rest;
    }
  }
  return path.basename(p);
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

export function ago(iso: string | null, now: number): string {
  if (!iso) return "";
  const ms = now - Date.parse(iso);
  return ms < 172800_000 ? `${duration(ms)} ago` : iso.slice(0, 10);
}

/** The page's address with these filters changed (the others and the search kept). */
export function filterHref(ctx: PageContext, change: { state?: string | null; user?: string | null }): string {
  const p = new URLSearchParams();
  if (ctx.q) p.set("q", ctx.q);
  const state = change.state === undefined ? ctx.filter.state : change.state;
  const user = change.user === undefined ? ctx.filter.user : change.user;
  if (state) p.set("state", state);
  if (user) p.set("user", user);
  const s = p.toString();
  return s ? `/?${s}` : "/";
}
