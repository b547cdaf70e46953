/**
 * Failure (and, with notifyOn=all, success) notifications, sent by the node and decoupled from the
 * imports: it polls the ledger (read-only) for importer runs that finished, decides which are
 * notifications (core/notify-cursor.ts), and puts one message per channel in an outbox
 * (var/db/notify.sqlite) in the same transaction that moves its cursor. One worker per channel
 * delivers the outbox in order, retrying with backoff while the receiver is down (logged once per
 * outage). Nothing here can stop or slow DropBox: it only reads the ledger.
 */
import { type GlobalConfig, type Logger, testHookNumber } from "@omero-fs/config";
import type { LedgerView } from "@omero-fs/dropbox/ledger";
import type { ImportJson } from "@omero-fs/protocol";
import { omeroWebLink } from "@omero-fs/dropbox/omero";
import {
  audience,
  incompleteStep,
  initialCursor,
  type NotifyEvent,
  retryDelayMs,
  step,
  widest,
} from "../../core/notify-cursor";
import { type Channel, emailChannel, type NotifyPayload, webhookChannel } from "./channels";
import { OMERO_EVENT_BASE, type OutboxMessage, NotifyOutbox } from "./outbox";
import { omeroAddressBook, userEmailChannel } from "./users";

/** Test hooks (OMERO_FS_TEST_*, docs/ARCHITECTURE.md "Test hooks"): poll interval and first retry delay. */
function hookMs(name: string, dflt: number): number {
  return testHookNumber(process.env, name, dflt, { min: 1 });
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

export class Notifier {
  private readonly outbox: NotifyOutbox;
  private readonly channels: Channel[];
  private readonly pollMs = hookMs("OMERO_FS_TEST_NOTIFY_POLL_MS", 1000);
  private readonly retryBaseMs = hookMs("OMERO_FS_TEST_NOTIFY_RETRY_MS", 1000);
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly workers = new Map<string, { timer: NodeJS.Timeout | null; busy: boolean; failures: number }>();
  private stopped = false;
  readonly stats: NotifyStats = { pending: {}, sent: {}, failures: {} };

  constructor(private readonly deps: NotifierDeps) {
    this.outbox = new NotifyOutbox(deps.home);
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
    for (const { channel, n } of this.outbox.discardOtherChannels(this.channels.map((c) => c.name)))
      deps.logger.warn(
        `notifications: ${n} undelivered ${channel} notification(s) discarded: that channel is no longer configured`,
      );
    if (!this.outbox.cursor() && !deps.ledgerExists()) this.outbox.setCursor({ after: 0, done: [] });
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
    this.outbox.close();
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
  private payloadOf(f: ImportJson): string {
    const web = this.deps.config.webUrl;
    return JSON.stringify(web ? { ...f, webLink: omeroWebLink(web, f.state === "imported" ? f.target : null) } : f);
  }

  /** OMERO paused or resumed the DropBox's queue since the last poll: one message each. */
  private pollOmero(view: LedgerView): void {
    const after = this.outbox.omeroCursor();
    if (after === null) {
      // First look: old outages are history, not news.
      this.outbox.setOmeroCursor(view.lastOmeroEvent()?.id ?? 0);
      return;
    }
    const events = view.omeroEventsAfter(after);
    if (events.length === 0) return;
    const messages: OutboxMessage[] = [];
    for (const e of events) {
      const event: NotifyEvent = e.up ? "omero.resumed" : "omero.paused";
      const payload: NotifyPayload = { omero: { id: e.id, up: e.up, since: e.at, kind: e.kind, reason: e.reason } };
      for (const c of this.channelsFor(event))
        messages.push({
          channel: c.name,
          event,
          fileset: 0,
          attempt: OMERO_EVENT_BASE - e.id,
          payload: JSON.stringify(payload),
        });
    }
    this.outbox.recordOmero(messages, events.at(-1)!.id, Date.now());
    this.refreshPending();
    for (const c of this.channels) this.kick(c);
  }

  /** One look at the ledger: new final failures (and successes) into the outbox, cursor moved. */
  poll(): void {
    const view = this.deps.view();
    if (!view) return;
    this.pollOmero(view);
    this.pollIncomplete(view);
    let cursor = this.outbox.cursor();
    if (!cursor) {
      // First start on an existing ledger: old history is not notified.
      const last = view.lastRunId();
      const running = view.firstRunningAfter(0);
      const above = running === null ? [] : view.finishedRunsAfter(running - 1, 100_000).map((r) => r.id);
      cursor = initialCursor(last, running, above);
      this.outbox.setCursor(cursor);
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
      const messages: OutboxMessage[] = [];
      for (const n of s.notify) {
        const fileset = view.getImport(n.fileset);
        if (!fileset) continue;
        const payload = this.payloadOf(fileset);
        for (const c of this.channelsFor(n.event))
          messages.push({ channel: c.name, event: n.event, fileset: fileset.id, attempt: n.attempt, payload });
      }
      this.outbox.enqueue(messages, s.cursor, Date.now());
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
    const seen = this.outbox.incompleteSeen();
    const now = view.listImports({ state: "incomplete" });
    const s = incompleteStep(
      seen,
      now.map((f) => f.id),
    );
    if (s.notify.length === 0 && s.forget.length === 0) return;
    const byId = new Map(now.map((f) => [f.id, f]));
    const messages = s.notify.flatMap((id) =>
      this.channelsFor("import.incomplete").map((c) => ({
        channel: c.name,
        event: "import.incomplete" as const,
        fileset: id,
        attempt: -id,
        payload: this.payloadOf(byId.get(id)!),
      })),
    );
    this.outbox.recordIncomplete(messages, s.notify, s.forget, Date.now());
    if (s.notify.length > 0) {
      this.refreshPending();
      for (const c of this.channels) this.kick(c);
    }
  }

  private refreshPending(): void {
    for (const c of this.channels) this.stats.pending[c.name] = 0;
    for (const { channel, n } of this.outbox.pending()) this.stats.pending[channel] = n;
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
          const row = this.outbox.next(c.name);
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
          if (!this.outbox.open) return;
          if (w.failures > 0)
            this.deps.logger.info(`notifications: ${c.describe} reachable again after ${w.failures} failed tries`);
          w.failures = 0;
          this.outbox.delivered(row.id);
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
