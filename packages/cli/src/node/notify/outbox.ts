/**
 * The node's notification store, var/db/notify.sqlite: the outbox (one row per message and
 * channel, delivered in order), the cursor over the ledger's finished importer runs, and the
 * incomplete filesets already notified. The only module with its SQL (docs/ARCHITECTURE.md,
 * "Layering rules"); the notifier (notifier.ts) decides, this module records.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { HOME_MODES, restrictStore } from "@omero-fs/config/home";
import Database from "better-sqlite3";
import type { Cursor, NotifyEvent } from "../../core/notify-cursor";

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
export const OMERO_EVENT_BASE = -1_000_000_000_000;

/** One message for one channel. `attempt` is the importer run (or -fileset for import.incomplete): one message per (channel, attempt). */
export interface OutboxMessage {
  channel: string;
  event: NotifyEvent;
  fileset: number;
  attempt: number;
  /** The fileset as `imports show --json` prints it (with its OMERO.web link), or OMERO's pause. */
  payload: string;
}

/** The oldest undelivered message of a channel. */
export interface OutboxRow {
  id: number;
  event: NotifyEvent;
  payload: string;
}

export class NotifyOutbox {
  private readonly db: Database.Database;

  /** Open (creating) the store of a home: var/db/notify.sqlite. */
  constructor(home: string) {
    const file = path.join(home, "var", "db", "notify.sqlite");
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: HOME_MODES.dir });
    restrictStore(file);
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.exec(SCHEMA);
  }

  get open(): boolean {
    return this.db.open;
  }

  close(): void {
    this.db.close();
  }

  /** Drop undelivered messages of channels no longer configured; returns how many per channel. */
  discardOtherChannels(channels: string[]): { channel: string; n: number }[] {
    const orphans = this.db
      .prepare(
        `SELECT channel, COUNT(*) AS n FROM outbox WHERE channel NOT IN (${channels.map(() => "?").join(",") || "''"}) GROUP BY channel`,
      )
      .all(...channels) as { channel: string; n: number }[];
    const drop = this.db.prepare("DELETE FROM outbox WHERE channel = ?");
    for (const o of orphans) drop.run(o.channel);
    return orphans;
  }

  /** Where the last poll left the ledger's runs; null before the first poll. */
  cursor(): Cursor | null {
    const r = this.db.prepare("SELECT after, done FROM cursor WHERE k = 1").get() as
      | { after: number; done: string }
      | undefined;
    return r ? { after: r.after, done: JSON.parse(r.done) as number[] } : null;
  }

  setCursor(c: Cursor): void {
    this.db
      .prepare(
        "INSERT INTO cursor(k, after, done) VALUES (1, ?, ?) ON CONFLICT(k) DO UPDATE SET after = excluded.after, done = excluded.done",
      )
      .run(c.after, JSON.stringify(c.done));
  }

  /** Queue messages and move the cursor in one transaction (a message already queued is not queued twice). */
  enqueue(messages: OutboxMessage[], cursor: Cursor, now: number): void {
    const insert = this.insertStatement();
    const stamp = new Date(now).toISOString();
    this.db.transaction(() => {
      for (const m of messages) insert.run(m.channel, m.event, m.fileset, m.attempt, m.payload, stamp);
      this.setCursor(cursor);
    })();
  }

  /** Incomplete filesets already notified. */
  incompleteSeen(): number[] {
    return (this.db.prepare("SELECT fileset FROM incomplete_seen").all() as { fileset: number }[]).map(
      (r) => r.fileset,
    );
  }

  /** Filesets newly incomplete (their messages queued, remembered) and those no longer (forgotten), in one transaction. */
  recordIncomplete(messages: OutboxMessage[], seen: number[], forget: number[], now: number): void {
    const insert = this.insertStatement();
    const add = this.db.prepare("INSERT OR IGNORE INTO incomplete_seen(fileset) VALUES (?)");
    const drop = this.db.prepare("DELETE FROM incomplete_seen WHERE fileset = ?");
    const stamp = new Date(now).toISOString();
    this.db.transaction(() => {
      for (const id of forget) drop.run(id);
      for (const id of seen) add.run(id);
      for (const m of messages) insert.run(m.channel, m.event, m.fileset, m.attempt, m.payload, stamp);
    })();
  }

  /** The last OMERO pause or resumption queued; null before the first look. */
  omeroCursor(): number | null {
    const r = this.db.prepare("SELECT after FROM omero_cursor WHERE k = 1").get() as { after: number } | undefined;
    return r ? r.after : null;
  }

  setOmeroCursor(after: number): void {
    this.db
      .prepare("INSERT INTO omero_cursor(k, after) VALUES (1, ?) ON CONFLICT(k) DO UPDATE SET after = excluded.after")
      .run(after);
  }

  /** OMERO's pauses and resumptions queued and the cursor moved past `after`, in one transaction. */
  recordOmero(messages: OutboxMessage[], after: number, now: number): void {
    const insert = this.insertStatement();
    const stamp = new Date(now).toISOString();
    this.db.transaction(() => {
      for (const m of messages) insert.run(m.channel, m.event, m.fileset, m.attempt, m.payload, stamp);
      this.setOmeroCursor(after);
    })();
  }

  /** Undelivered messages per channel. */
  pending(): { channel: string; n: number }[] {
    return this.db.prepare("SELECT channel, COUNT(*) AS n FROM outbox GROUP BY channel").all() as {
      channel: string;
      n: number;
    }[];
  }

  /** The oldest undelivered message of a channel, if any. */
  next(channel: string): OutboxRow | undefined {
    return this.db
      .prepare("SELECT id, event, payload FROM outbox WHERE channel = ? ORDER BY id LIMIT 1")
      .get(channel) as OutboxRow | undefined;
  }

  /** A message was delivered: out of the outbox. */
  delivered(id: number): void {
    this.db.prepare("DELETE FROM outbox WHERE id = ?").run(id);
  }

  private insertStatement() {
    return this.db.prepare(
      "INSERT OR IGNORE INTO outbox(channel, event, fileset, attempt, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
  }
}
