/**
 * Failure (and, with notifyOn=all, success) notifications, sent by the node and decoupled from the
 * imports: it polls the ledger (read-only) for importer runs that finished, decides which are
 * notifications (core/notify-cursor.ts), and puts one message per channel in an outbox
 * (var/db/notify.sqlite) in the same transaction that moves its cursor. One worker per channel
 * delivers the outbox in order, retrying with backoff while the receiver is down (logged once per
 * outage). Nothing here can stop or slow DropBox: it only reads the ledger.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { GlobalConfig, Logger } from "@omero-fs/config";
import type { LedgerView } from "@omero-fs/dropbox";
import type { ImportJson } from "@omero-fs/protocol";
import Database from "better-sqlite3";
import { omeroWebLink } from "@omero-fs/dropbox/dist/importers/omero-output";
import {
  audience,
  type Cursor,
  incompleteStep,
  initialCursor,
  type NotifyEvent,
  retryDelayMs,
  step,
  widest,
} from "../../core/notify-cursor";
import { type Channel, emailChannel, type NotifyPayload, webhookChannel } from "./channels";
import { omeroAddressBook, userEmailChannel } from "./users";

/** Test hooks (OMERO_FS_TEST_*): poll interval and first retry delay. */
function envMs(name: string, dflt: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}

export interface NotifierDeps {
  home: string;
  config: GlobalConfig;
  logger: Logger;
  /** The ledger view, or null while no DropBox has created the ledger. */
  view: () => LedgerView | null;
  ledgerExists: () => boolean;
}

export interface NotifyStats {
  pending: Record<string, number>;
  sent: Record<string, number>;
  failures: Record<string, number>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cursor (k INTEGER PRIMARY KEY CHECK (k = 1), after INTEGER NOT NULL, done TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY, channel TEXT NOT NULL, event TEXT NOT NULL, fileset INTEGER NOT NULL,
  attempt INTEGER NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL,
  UNIQUE (channel, attempt)
);
-- Incomplete filesets already notified (and still incomplete at the last poll); outbox rows of
-- import.incomplete carry attempt = -fileset.
CREATE TABLE IF NOT EXISTS incomplete_seen (fileset INTEGER PRIMARY KEY);
-- The last of the ledger's omero_events (OMERO paused or resumed the queue) turned into messages;
-- their outbox rows carry fileset 0 and attempt = OMERO_EVENT_BASE - event id.
CREATE TABLE IF NOT EXISTS omero_cursor (k INTEGER PRIMARY KEY CHECK (k = 1), after INTEGER NOT NULL);`;

/** Outbox `attempt` of OMERO's pauses: below every -fileset of import.incomplete, so never the same key. */
const OMERO_EVENT_BASE = -1_000_000_000_000;

export class Notifier {
  private readonly db: Database.Database;
  private readonly channels: Channel[];
  private readonly pollMs = envMs("OMERO_FS_TEST_NOTIFY_POLL_MS", 1000);
  private readonly retryBaseMs = envMs("OMERO_FS_TEST_NOTIFY_RETRY_MS", 1000);
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly workers = new Map<string, { timer: NodeJS.Timeout | null; busy: boolean; failures: number }>();
  private stopped = false;
  readonly stats: NotifyStats = { pending: {}, sent: {}, failures: {} };

  constructor(private readonly deps: NotifierDeps) {
    const file = path.join(deps.home, "var", "db", "notify.sqlite");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.exec(SCHEMA);
    const g = deps.config;
    this.channels = [];
    if (g.notifyWebhook) this.channels.push(webhookChannel(g.notifyWebhook));
    if (g.notifySmtp) this.channels.push(emailChannel(g));
    // The people who dropped the files: their address comes from OMERO (the omero importer only).
    if (g.notifySmtp && g.notifyUsers !== "off" && g.importer === "omero")
      this.channels.push(userEmailChannel(g, omeroAddressBook(g, deps.logger), deps.logger));
    for (const c of this.channels) {
      this.stats.sent[c.name] = 0;
      this.stats.failures[c.name] = 0;
    }
    const names = this.channels.map((c) => c.name);
    const orphans = this.db
      .prepare(
        `SELECT channel, COUNT(*) FROM outbox WHERE channel NOT IN (${names.map(() => "?").join(",") || "''"}) GROUP BY channel`,
      )
      .raw()
      .all(...names) as [string, number][];
    for (const [channel, n] of orphans) {
      deps.logger.warn(
        `notifications: ${n} undelivered ${channel} notification(s) discarded: that channel is no longer configured`,
      );
      this.db.prepare("DELETE FROM outbox WHERE channel = ?").run(channel);
    }
    if (!this.readCursor() && !deps.ledgerExists()) this.writeCursor({ after: 0, done: [] });
  }

  start(): void {
    const on = this.deps.config.notifyOn;
    const where = this.channels.map((c) => c.describe).join(", ") || "nowhere (no channel configured)";
    this.deps.logger.info(
      `notifications: on ${on === "all" ? "failed and imported" : "failed"} filesets and OMERO's outages, to ${where}${this.deps.config.notifyUsers === "off" ? "" : `; users on their ${this.deps.config.notifyUsers === "all" ? "failed, incomplete and imported" : "failed and incomplete"} filesets`}`,
    );
    this.refreshPending();
    for (const c of this.channels) {
      this.workers.set(c.name, { timer: null, busy: false, failures: 0 });
      this.kick(c);
    }
    this.schedulePoll(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
    for (const c of this.channels) c.close();
    this.db.close();
  }

  /**
   * Stop, but first let a delivery in flight finish and leave the outbox (a reload builds a new
   * notifier on the same outbox: a message sent here must not be sent again there).
   */
  async stopAfterDeliveries(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    const end = Date.now() + timeoutMs;
    while ([...this.workers.values()].some((w) => w.busy) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    this.stop();
  }

  private readCursor(): Cursor | null {
    const r = this.db.prepare("SELECT after, done FROM cursor WHERE k = 1").get() as
      | { after: number; done: string }
      | undefined;
    return r ? { after: r.after, done: JSON.parse(r.done) as number[] } : null;
  }

  private writeCursor(c: Cursor): void {
    this.db
      .prepare(
        "INSERT INTO cursor(k, after, done) VALUES (1, ?, ?) ON CONFLICT(k) DO UPDATE SET after = excluded.after, done = excluded.done",
      )
      .run(c.after, JSON.stringify(c.done));
  }

  private schedulePoll(ms: number): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      try {
        this.poll();
      } catch (e) {
        this.deps.logger.warn(`notifications: cannot read the ledger: ${(e as Error).message}`);
      }
      this.schedulePoll(this.pollMs);
    }, ms);
  }

  /** The channels that hear of `event` (the facility's, and the user's own). */
  private channelsFor(event: NotifyEvent): Channel[] {
    const who = audience(event, this.deps.config.notifyOn, this.deps.config.notifyUsers);
    return this.channels.filter((c) => (c.name === "user-email" ? who.user : who.facility));
  }

  /** An import as a notification carries it: with its OMERO.web link. */
  private payloadOf(f: ImportJson): ImportJson {
    const web = this.deps.config.webUrl;
    return web ? { ...f, webLink: omeroWebLink(web, f.state === "imported" ? f.target : null) } : f;
  }

  /** OMERO paused or resumed the DropBox's queue since the last poll: one message each. */
  private pollOmero(view: LedgerView): void {
    const row = this.db.prepare("SELECT after FROM omero_cursor WHERE k = 1").get() as { after: number } | undefined;
    if (!row) {
      // First look: old outages are history, not news.
      this.db.prepare("INSERT INTO omero_cursor(k, after) VALUES (1, ?)").run(view.lastOmeroEvent()?.id ?? 0);
      return;
    }
    const events = view.omeroEventsAfter(row.after);
    if (events.length === 0) return;
    const insert = this.db.prepare(
      "INSERT OR IGNORE INTO outbox(channel, event, fileset, attempt, payload, created_at) VALUES (?, ?, 0, ?, ?, ?)",
    );
    const stamp = new Date().toISOString();
    this.db.transaction(() => {
      for (const e of events) {
        const event: NotifyEvent = e.up ? "omero.resumed" : "omero.paused";
        const payload: NotifyPayload = { omero: { id: e.id, up: e.up, since: e.at, kind: e.kind, reason: e.reason } };
        for (const c of this.channelsFor(event))
          insert.run(c.name, event, OMERO_EVENT_BASE - e.id, JSON.stringify(payload), stamp);
      }
      this.db.prepare("UPDATE omero_cursor SET after = ? WHERE k = 1").run(events.at(-1)!.id);
    })();
    this.refreshPending();
    for (const c of this.channels) this.kick(c);
  }

  /** One look at the ledger: new final failures (and successes) into the outbox, cursor moved. */
  poll(): void {
    const view = this.deps.view();
    if (!view) return;
    this.pollOmero(view);
    this.pollIncomplete(view);
    let cursor = this.readCursor();
    if (!cursor) {
      // First start on an existing ledger: old history is not notified.
      const last = view.lastRunId();
      const running = view.firstRunningAfter(0);
      const above = running === null ? [] : view.finishedRunsAfter(running - 1, 100_000).map((r) => r.id);
      cursor = initialCursor(last, running, above);
      this.writeCursor(cursor);
      this.deps.logger.info(
        `notifications: starting after import run ${cursor.after} (earlier history is not notified)`,
      );
      return;
    }
    for (let page = 0; page < 10; page++) {
      const finished = view.finishedRunsAfter(cursor.after, 500);
      const running = view.firstRunningAfter(cursor.after);
      const s = step(cursor, finished, running, widest(this.deps.config.notifyOn, this.deps.config.notifyUsers));
      const same = s.cursor.after === cursor.after && s.cursor.done.length === cursor.done.length;
      if (same && s.notify.length === 0) return;
      const messages = s.notify.map((n) => ({ ...n, fileset: view.getImport(n.fileset) }));
      const insert = this.db.prepare(
        "INSERT OR IGNORE INTO outbox(channel, event, fileset, attempt, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      );
      const stamp = new Date().toISOString();
      this.db.transaction(() => {
        for (const m of messages) {
          if (!m.fileset) continue;
          for (const c of this.channelsFor(m.event))
            insert.run(c.name, m.event, m.fileset.id, m.attempt, JSON.stringify(this.payloadOf(m.fileset)), stamp);
        }
        this.writeCursor(s.cursor);
      })();
      cursor = s.cursor;
      if (messages.length > 0) {
        this.refreshPending();
        for (const c of this.channels) this.kick(c);
      }
      if (finished.length < 500) return;
    }
  }

  /** Filesets that became incomplete since the last poll: one import.incomplete each (notifyOn failed and all). */
  private pollIncomplete(view: LedgerView): void {
    const seen = (this.db.prepare("SELECT fileset FROM incomplete_seen").raw().all() as [number][]).map((r) => r[0]);
    const now = view.listImports({ state: "incomplete" });
    const s = incompleteStep(
      seen,
      now.map((f) => f.id),
    );
    if (s.notify.length === 0 && s.forget.length === 0) return;
    const byId = new Map(now.map((f) => [f.id, f]));
    const insert = this.db.prepare(
      "INSERT OR IGNORE INTO outbox(channel, event, fileset, attempt, payload, created_at) VALUES (?, 'import.incomplete', ?, ?, ?, ?)",
    );
    const stamp = new Date().toISOString();
    this.db.transaction(() => {
      for (const id of s.forget) this.db.prepare("DELETE FROM incomplete_seen WHERE fileset = ?").run(id);
      for (const id of s.notify) {
        this.db.prepare("INSERT OR IGNORE INTO incomplete_seen(fileset) VALUES (?)").run(id);
        for (const c of this.channelsFor("import.incomplete"))
          insert.run(c.name, id, -id, JSON.stringify(this.payloadOf(byId.get(id)!)), stamp);
      }
    })();
    if (s.notify.length > 0) {
      this.refreshPending();
      for (const c of this.channels) this.kick(c);
    }
  }

  private refreshPending(): void {
    for (const c of this.channels) this.stats.pending[c.name] = 0;
    for (const [channel, n] of this.db.prepare("SELECT channel, COUNT(*) FROM outbox GROUP BY channel").raw().all() as [
      string,
      number,
    ][])
      this.stats.pending[channel] = n;
  }

  /** Deliver the channel's outbox in order until empty or a failure (then retry after a backoff). */
  private kick(c: Channel): void {
    const w = this.workers.get(c.name);
    if (!w || w.busy || w.timer || this.stopped) return;
    w.busy = true;
    void (async () => {
      try {
        for (;;) {
          if (this.stopped) return;
          const row = this.db
            .prepare("SELECT id, event, payload FROM outbox WHERE channel = ? ORDER BY id LIMIT 1")
            .get(c.name) as { id: number; event: NotifyEvent; payload: string } | undefined;
          if (!row) return;
          const payload = JSON.parse(row.payload) as NotifyPayload;
          const about = "omero" in payload ? `OMERO (${row.event})` : `import ${payload.id}`;
          try {
            await c.send(row.event, payload);
          } catch (e) {
            w.failures += 1;
            this.stats.failures[c.name] = (this.stats.failures[c.name] ?? 0) + 1;
            const delay = retryDelayMs(w.failures, this.retryBaseMs);
            if (w.failures === 1) {
              this.deps.logger.warn(
                `notifications: ${c.describe} cannot be reached (${(e as Error).message}); retrying with backoff, nothing else waits for it`,
              );
            } else
              this.deps.logger.debug(
                `notifications: ${c.describe} still failing (${(e as Error).message}); next try in ${delay} ms`,
              );
            if (this.stopped) return;
            w.timer = setTimeout(() => {
              w.timer = null;
              this.kick(c);
            }, delay);
            return;
          }
          if (!this.db.open) return;
          if (w.failures > 0)
            this.deps.logger.info(`notifications: ${c.describe} reachable again after ${w.failures} failed tries`);
          w.failures = 0;
          this.db.prepare("DELETE FROM outbox WHERE id = ?").run(row.id);
          this.stats.sent[c.name] = (this.stats.sent[c.name] ?? 0) + 1;
          this.refreshPending();
          this.deps.logger.info(`notifications: ${row.event} for ${about} sent to ${c.describe}`);
          if (this.stopped) return;
        }
      } finally {
        w.busy = false;
      }
    })();
  }
}
