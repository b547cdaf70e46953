import * as fs from "node:fs";
import * as path from "node:path";
import { openLedgerDb } from "@omero-fs/dropbox/ledger";
import { healthItems } from "../../packages/cli/src/core/status-health";
import { renderPage } from "../../packages/cli/src/node/http/page";
import { type Browser, chromium, type Page } from "playwright-core";
import { jsonOf, makeHome, type TestHome } from "../cli/harness";
import { axeViolations, OUTPUT, overflowing } from "../helpers/browser";
import { baseUrl } from "./helpers";

/**
 * The status page as a facility manager sees it (issue 21), in Debian's chromium: a real node on a
 * real ledger of a thousand filesets in every state, the DropBox stopped. Health bar, totals, what
 * needs attention, filters, newest first, the banner when the node stops answering; WCAG AA by
 * axe-core and no overflow at 390 px. Screenshots at 1280 and 390 px go to test/output/.
 */

jest.setTimeout(180_000);

const CHROMIUM = "/usr/bin/chromium";
const HOSTILE = "evil\u202Egpj.exe <b>x</b>.tif";
const USERS = ["amy", "bob", "carl", "dora", "zak"];

let home: TestHome;
let browser: Browser;
let base: string;
const expected = { imported: 0, failed: 0, waiting: 0, queued: 0, incomplete: 0, refused: 0 };

/** A ledger of 1,000 filesets written by the DropBox's own ledger module, as a long-running site has. */
function writeLedger(dir: string): void {
  const db = openLedgerDb(path.join(dir, "var", "db", "dropbox.sqlite"));
  const now = Date.now();
  const drop = path.join(dir, "data", "DropBox");
  const iso = (ms: number) => new Date(ms).toISOString();
  const fsIns = db.prepare(
    `INSERT INTO filesets(id, watch, user, key, reader, entry, state, importer, created_at, imported_at, target, error, attempts, waiting_for, missing_count)
     VALUES (?, 0, ?, ?, 'r', ?, ?, 'exec', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const member = db.prepare("INSERT INTO fileset_files(fileset, ord, path) VALUES (?, 0, ?)");
  const file = db.prepare(
    "INSERT INTO files(path, watch, user, size, mtime_ms, state, reason, fileset, last_event_ms, seen_at) VALUES (?, 0, ?, 1, 0, ?, ?, ?, ?, ?)",
  );
  const attempt = db.prepare(
    "INSERT INTO attempts(fileset, n, importer, started_at, finished_at, ok, error, target) VALUES (?, 1, 'exec', ?, ?, ?, ?, ?)",
  );
  const job = db.prepare("INSERT INTO jobs(fileset, queued_at, not_before_ms) VALUES (?, ?, 0)");
  db.transaction(() => {
    for (let i = 1; i <= 1000; i++) {
      const user = USERS[i % USERS.length]!;
      const name = i === 999 ? HOSTILE : `exp${Math.floor(i / 100)}/image-${i}.tif`;
      const p = path.join(drop, user, name);
      // A minute apart, the newest five minutes ago: every waiting or queued one is past its wait.
      const created = now - (1005 - i) * 60_000;
      const state =
        i % 97 === 0 ? "failed" : i > 990 ? "queued" : i > 980 ? "waiting" : i % 211 === 0 ? "incomplete" : "imported";
      expected[state]++;
      const error = state === "failed" ? `exec command exited 1: ${i === 970 ? HOSTILE : "not a valid image"}` : null;
      // One plate still waiting for its last images: a legitimate wait, however long.
      const plate = i === 985;
      const waitingFor =
        state === "incomplete"
          ? "MetaXpress plate P1: 1,530 of 1,536 images; missing: A01_s1.tif"
          : plate
            ? "3 of 6 files are here; waiting for A02_s1.tif, A03_s1.tif, A04_s1.tif"
            : null;
      fsIns.run(
        i,
        user,
        p,
        p,
        state,
        iso(created),
        state === "imported" ? iso(created + 2000) : null,
        state === "imported" ? `Image:${i}` : null,
        error,
        state === "imported" || state === "failed" ? 1 : 0,
        waitingFor,
        state === "incomplete" || plate ? 6 : 0,
      );
      member.run(i, p);
      file.run(p, user, state === "imported" ? "imported" : "grouped", null, i, created, iso(created));
      if (state === "imported" || state === "failed")
        attempt.run(
          i,
          iso(created),
          iso(created + 2000),
          state === "imported" ? 1 : 0,
          error,
          state === "imported" ? `Image:${i}` : null,
        );
      if (state === "queued") job.run(i, iso(created));
    }
    for (const [i, user] of USERS.entries()) {
      file.run(
        path.join(drop, `loose-${i}.tif`),
        user,
        "refused",
        `outside any user folder (${i})`,
        null,
        now,
        iso(now),
      );
      expected.refused++;
    }
  })();
  db.close();
}

beforeAll(async () => {
  home = makeHome({
    prefix: "omero-fs-page-",
    fakes: { DropBox: "ok" },
    config: { "omero.fs.httpAddress": "127.0.0.1:0", "omero.fs.dirImportWait": "60" },
    env: { OMERO_FS_TEST_HTTP_REFRESH_S: "1" },
  });
  fs.mkdirSync(path.join(home.dir, "var", "db"), { recursive: true });
  writeLedger(home.dir);
  const start = await home.cli(["admin", "start"]);
  if (start.code !== 0) throw new Error(`admin start: ${start.stdout}${start.stderr}`);
  expect((await home.cli(["admin", "ice", "server", "stop", "DropBox"])).code).toBe(0);
  base = baseUrl(home);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  fs.mkdirSync(OUTPUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  home?.cleanup();
});

async function open(width: number): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  return page;
}

test("1280 px: health, totals and what needs attention come first; WCAG AA; nothing runs off", async () => {
  const page = await open(1280);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // The order of the sections: a manager's questions first, the per-user view below.
  const order = await page.locator("#content > section > h2, #content > p.alert").allTextContents();
  expect(order.slice(0, 4)).toEqual([
    "2 problems: DropBox stopped; Watch 1 (default) not watched",
    "Health",
    "Imports by state",
    "Needs attention",
  ]);
  expect(order[order.length - 1]).toBe("By user");
  // The DropBox is stopped: the bar says so, and what it means for the ledger and the watch.
  const item = (key: string) => page.locator(`.health-item[data-key="${key}"]`);
  await expect(item("server:DropBox").getAttribute("data-level")).resolves.toBe("bad");
  await expect(item("server:DropBox").textContent()).resolves.toContain("nothing is imported");
  await expect(item("server:MonitorServer").getAttribute("data-level")).resolves.toBe("ok");
  await expect(item("ledger").textContent()).resolves.toContain("the DropBox is not running");
  await expect(item("watch:1").getAttribute("data-level")).resolves.toBe("bad");
  expect(await page.locator('.health-item[data-key="omero"]').count()).toBe(0); // local importer
  // Totals by state match the ledger.
  for (const s of ["imported", "failed", "waiting", "queued", "incomplete"] as const)
    await expect(page.locator(`.totals a[data-state="${s}"] .n`).textContent()).resolves.toBe(String(expected[s]));
  // Needs attention: failed newest first, incomplete, stuck (past their quiet period, a queue that
  // does not move), refused, the oldest waiting.
  const attention = page.locator("section.attention");
  const heads = await attention.locator("h3").allTextContents();
  expect(heads.map((h) => h.replace(/ all \w+$/, ""))).toEqual([
    `Failed (${expected.failed})`,
    `Incomplete (${expected.incomplete})`,
    `Stuck (${expected.waiting + expected.queued - 1})`,
    `Files refused (${expected.refused})`,
    "Oldest waiting (1)",
  ]);
  await expect(
    attention
      .locator("h3", { hasText: "Oldest waiting" })
      .locator("xpath=following-sibling::ul[1]/li")
      .getAttribute("data-id"),
  ).resolves.toBe("985");
  const failedIds = await attention
    .locator("li.failed")
    .evaluateAll((li) => li.map((e) => Number(e.getAttribute("data-id"))));
  expect(failedIds).toEqual([...failedIds].sort((a, b) => b - a));
  expect(failedIds).toHaveLength(10);
  await expect(attention.locator("h3", { hasText: "Failed" }).locator("a").getAttribute("href")).resolves.toBe(
    "/?state=failed",
  );
  // Each item links to its import.
  await expect(attention.locator("li.failed a.json").first().getAttribute("href")).resolves.toBe(
    `/api/imports/${failedIds[0]}`,
  );
  // Newest first within each user's lists too.
  const amyImported = await page
    .locator('section.user[data-user="amy"] li.fileset.imported')
    .evaluateAll((li) => li.map((e) => Number(e.getAttribute("data-id"))));
  expect(amyImported.length).toBeGreaterThan(1);
  expect(amyImported).toEqual([...amyImported].sort((a, b) => b - a));
  // Names are escaped as the CLI escapes them: the bidi override is shown, not obeyed; no markup.
  const hostile = page.locator('li[data-id="999"] .name').first();
  await expect(hostile.textContent()).resolves.toBe("evil\\u202egpj.exe <b>x</b>.tif");
  expect(await page.locator("#content b").filter({ hasText: /^x$/ }).count()).toBe(0);
  expect(await axeViolations(page)).toEqual([]);
  expect(await overflowing(page)).toEqual([]);
  await page.screenshot({ path: path.join(OUTPUT, "status-page-1280.png"), fullPage: true });
  await page.screenshot({ path: path.join(OUTPUT, "status-page-1280-top.png") });
  process.stdout.write(`screenshots: ${path.join(OUTPUT, "status-page-1280.png")} (and -top.png)\n`);
  expect(errors).toEqual([]);
  await page.context().close();
});

test("390 px (a phone): no horizontal overflow, WCAG AA", async () => {
  const page = await open(390);
  expect(await overflowing(page)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(OUTPUT, "status-page-390.png"), fullPage: true });
  await page.screenshot({ path: path.join(OUTPUT, "status-page-390-top.png") });
  process.stdout.write(`screenshots: ${path.join(OUTPUT, "status-page-390.png")} (and -top.png)\n`);
  await page.context().close();
});

test("filters by state and user; the JSON API takes plain decimal ids only", async () => {
  const page = await open(1280);
  await page.selectOption('form.filters select[name="state"]', "failed");
  await page.selectOption('form.filters select[name="user"]', "bob");
  // The page refreshes its content (every second here): a choice not yet submitted survives it.
  const updated = await page.locator("#content").getAttribute("data-updated");
  await page.waitForFunction((u) => document.getElementById("content")?.getAttribute("data-updated") !== u, updated);
  expect(await page.locator('form.filters select[name="state"]').inputValue()).toBe("failed");
  expect(await page.locator('form.filters select[name="user"]').inputValue()).toBe("bob");
  await Promise.all([page.waitForURL(/state=failed&user=bob/), page.click('form.filters button[type="submit"]')]);
  const users = await page.locator("section.user").evaluateAll((s) => s.map((e) => e.getAttribute("data-user")));
  expect(users).toEqual(["bob"]);
  const states = await page
    .locator("section.user li.fileset")
    .evaluateAll((li) => li.map((e) => e.getAttribute("data-state")));
  expect(states.length).toBeGreaterThan(0);
  expect(new Set(states)).toEqual(new Set(["failed"]));
  await page.context().close();
  for (const bad of ["0x10", "1e3", "1.0", "+1", "-1", "0"])
    expect({ bad, status: (await fetch(`${base}/api/imports/${bad}`)).status }).toEqual({ bad, status: 400 });
  expect((await fetch(`${base}/api/imports/010`)).status).toBe(200);
});

test("a banner when the node stops answering", async () => {
  const page = await open(1280);
  expect(await page.locator("#banner").isHidden()).toBe(true);
  const stop = await home.cli(["admin", "stop"]);
  expect(stop.code).toBe(0);
  await page.locator("#banner").waitFor({ state: "visible", timeout: 20_000 });
  await expect(page.locator("#banner").textContent()).resolves.toMatch(
    /^The omero-fs node does not answer .* since \d\d:\d\d:\d\d UTC: what you see is from /,
  );
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(OUTPUT, "status-page-node-down.png") });
  await page.context().close();
  // The ledger's figures stay readable without a node.
  expect((jsonOf(await home.cli(["imports", "list", "--json", "--state", "failed"])) as unknown[]).length).toBe(
    expected.failed,
  );
});

test("OMERO down, as the DropBox's status reports it: a problem in the bar and the alert; WCAG AA", async () => {
  // Rendered from the node's shapes (the DropBox's `status` field `omero`) with the page code the
  // node runs; the end-to-end case with a real DropBox and the fake OMERO is omero-down.test.ts.
  const now = Date.parse("2026-11-28T10:00:00Z");
  const health = healthItems(
    {
      node: { pid: 4242, startedMs: now - 3_600_000 },
      servers: [
        { name: "MonitorServer", enabled: true, state: "running", pid: 4243 },
        { name: "DropBox", enabled: true, state: "running", pid: 4244 },
      ],
      importer: "omero",
      omero: {
        up: false,
        since: now - 900_000,
        reason: "omero.example.org:4064: connection refused",
        checkedAt: now - 5000,
        kind: "unreachable",
        nextProbeAt: now + 55_000,
      },
      ledger: { path: "/var/lib/omero-fs/var/db/dropbox.sqlite", exists: true },
      checks: {},
      watches: [{ n: 1, user: "default", watchDir: "/OMERO/DropBox" }],
      remote: [],
    },
    now,
  );
  const html = renderPage({
    data: { users: [], active: [], failed: [], imported: [], totals: [], files: [], ignored: [], refused: [] },
    q: "",
    filter: { state: null, user: null },
    allUsers: [],
    now,
    watchDirs: ["/OMERO/DropBox"],
    quietSeconds: [60],
    refreshSeconds: 10,
    nonce: "n",
    health,
  });
  const ctx = await browser.newContext({ viewport: { width: 390, height: 900 }, bypassCSP: true });
  const page = await ctx.newPage();
  await page.setContent(html);
  const omero = page.locator('.health-item[data-key="omero"]');
  await expect(omero.getAttribute("data-level")).resolves.toBe("bad");
  await expect(omero.textContent()).resolves.toBe(
    "problem OMERO unreachable since 09:45 UTC: omero.example.org:4064: connection refused; imports paused (none counted as failed); asked again at 10:00:55 UTC",
  );
  await expect(page.locator("p.alert").textContent()).resolves.toBe("1 problem: OMERO unreachable since 09:45 UTC");
  expect(await overflowing(page)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(OUTPUT, "status-page-omero-down-390.png") });
  await ctx.close();
});
