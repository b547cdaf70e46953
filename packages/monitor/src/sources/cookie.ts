/**
 * The sync barrier's cookies (Watchman style): a uniquely named file written in the watch
 * directory, whose event, seen by whichever source runs, proves that every earlier change has
 * come through that source. Cookies are never published (core/filters.ts).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { COOKIE_PREFIX } from "../core/filters";
import { ControlError } from "../errors";

/** How often a cookie not yet seen is written again. */
const REWRITE_MS = 500;

export class Cookies {
  private readonly waiting = new Map<string, () => void>();

  /** A source saw a cookie (by name) appear. */
  seen(name: string): void {
    this.waiting.get(name)?.();
  }

  /** Let every waiting sync go (the monitor stops). */
  releaseAll(): void {
    for (const resolve of this.waiting.values()) resolve();
  }

  /** Write a cookie in `dir` and wait for a source to see it; `poke` makes a polling source look now. */
  async roundTrip(dir: string, timeoutMs: number, poke: () => void): Promise<void> {
    const name = `${COOKIE_PREFIX}${randomUUID()}`;
    const cookie = path.join(dir, name);
    let timer: NodeJS.Timeout | undefined;
    let again: NodeJS.Timeout | undefined;
    const seen = new Promise<void>((resolve, reject) => {
      this.waiting.set(name, resolve);
      timer = setTimeout(
        () => reject(new ControlError("INTERNAL", `sync: cookie event not seen within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      fs.writeFileSync(cookie, "");
      poke();
      // Written again until seen: an event made while the kernel's inotify queue is full (a burst
      // not yet read: with fs.watch the queue is read on this event loop) is dropped; each write
      // is a new event (a Modify, which counts as seen).
      again = setInterval(() => {
        try {
          fs.appendFileSync(cookie, "x");
        } catch {
          // gone (the watch directory went away): the deadline answers
        }
      }, REWRITE_MS);
      await seen;
    } finally {
      clearTimeout(timer);
      clearInterval(again);
      this.waiting.delete(name);
      fs.rmSync(cookie, { force: true });
    }
  }
}
