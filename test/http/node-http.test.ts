import * as fs from "node:fs";
import * as path from "node:path";
import { FileShowJsonSchema } from "@omero-fs/protocol";
import { type Browser, chromium } from "playwright-core";
import { makeHome, readLog, type TestHome } from "../cli/harness";
import { promtool } from "../helpers/promtool";
import { homeFiles } from "../helpers/home";
import { waitFor } from "../helpers/wait";
import { baseUrl, drop, execConfig, FAST_ENV, parseMetrics, waitFinished } from "./helpers";
import { type Smtp, smtp, type Webhook, webhook } from "./receivers";

/**
 * The node's HTTP server and notifier with the real MonitorServer and DropBox: two users, two
 * imports that succeed and two that fail (the exec importer refuses names containing "bad"), a
 * webhook and an SMTP receiver on loopback.
 */

jest.setTimeout(180_000);

const CHROMIUM = "/usr/bin/chromium";
const HOSTILE = 'bad <img src=x onerror="window.pwned=1">.fake';

let home: TestHome;
let hook: Webhook;
let mail: Smtp;
let good: string[];
let bad: string[];
let base: string;

beforeAll(async () => {
  hook = await webhook();
  mail = await smtp();
  home = makeHome({
    prefix: "omero-fs-http-",
    config: execConfig({
      "omero.fs.notifyWebhook": hook.url,
      "omero.fs.notifySmtp": `smtp://127.0.0.1:${mail.port}`,
      "omero.fs.notifyEmail": "facility@example.org",
      "omero.fs.notifyEmailFrom": "omero-fs@example.org",
    }),
    env: FAST_ENV,
  });
  const start = await home.cli(["admin", "start"]);
  if (start.code !== 0) throw new Error(`admin start: ${start.stdout}${start.stderr}`);
  good = [...drop(home, "amy", ["exp 1/cells.fake"]), ...drop(home, "zak", ["ok.fake"])];
  bad = [...drop(home, "zak", [HOSTILE]), ...drop(home, "amy", ["bad-stack.fake"])];
  await waitFinished(home, [...good, ...bad]);
  base = baseUrl(home);
});

afterAll(async () => {
  home?.cleanup();
  await hook?.close();
  await mail?.close();
});

const get = async (p: string) => {
  const r = await fetch(`${base}${p}`);
  return { status: r.status, text: await r.text(), type: r.headers.get("content-type") };
};

test("metrics: fileset and file gauges, import counters and durations, servers", async () => {
  const r = await get("/metrics");
  expect(r.status).toBe(200);
  expect(r.type).toContain("text/plain");
  const m = parseMetrics(r.text);
  expect(m.get('omerofs_filesets{state="imported"}')).toBe(2);
  expect(m.get('omerofs_filesets{state="failed"}')).toBe(2);
  expect(m.get('omerofs_filesets{state="waiting"}')).toBe(0);
  expect(m.get('omerofs_files{state="imported"}')).toBe(2);
  expect(m.get('omerofs_files{state="grouped"}')).toBe(2); // members of the failed filesets
  expect(m.get('omerofs_imports_total{result="succeeded"}')).toBe(2);
  expect(m.get('omerofs_imports_total{result="failed"}')).toBe(2);
  expect(m.get("omerofs_import_duration_seconds_count")).toBe(4);
  expect(m.get('omerofs_import_duration_seconds_bucket{le="+Inf"}')).toBe(4);
  expect(m.get("omerofs_import_duration_seconds_sum")).toBeGreaterThan(0);
  expect(m.get("omerofs_import_queue_depth")).toBe(0);
  expect(m.get("omerofs_oldest_waiting_seconds")).toBe(0);
  expect(m.get('omerofs_server_up{server="MonitorServer"}')).toBe(1);
  expect(m.get('omerofs_server_up{server="DropBox"}')).toBe(1);
  expect(m.get('omerofs_server_restarts_total{server="DropBox"}')).toBe(0);
  expect(m.get("omerofs_monitor_events_total")).toBeGreaterThanOrEqual(0);
  expect(m.get("omerofs_monitor_rescans_total")).toBeGreaterThanOrEqual(0);
  for (const name of [
    "omerofs_filesets",
    "omerofs_imports_total",
    "omerofs_import_duration_seconds",
    "omerofs_server_up",
  ])
    expect(r.text).toContain(`# HELP ${name} `);
  // Nothing stuck, nothing waiting; each process has its own figures; the ledger is writable.
  expect(m.get("omerofs_stuck_filesets")).toBe(0);
  expect(m.get("omerofs_oldest_stuck_seconds")).toBe(0);
  expect(m.get("omerofs_oldest_legitimately_waiting_seconds")).toBe(0);
  for (const server of ["Node", "MonitorServer", "DropBox"]) {
    expect(m.get(`omerofs_process_cpu_seconds_total{server="${server}"}`)).toBeGreaterThan(0);
    expect(m.get(`omerofs_process_resident_memory_bytes{server="${server}"}`)).toBeGreaterThan(1e6);
  }
  expect(m.get('omerofs_process_inotify_watches{server="MonitorServer"}')).toBeGreaterThan(0);
  expect(m.get("omerofs_ledger_writable")).toBe(1);
  expect(m.get('omerofs_watch_up{watch="1",user="default"}')).toBe(1);
  expect(m.get('omerofs_monitors{backend="native",state="started"}')).toBe(1);
  expect(m.get("omerofs_monitors_without_inotify")).toBe(0);
  // Prometheus' own linter: no gauge named _total, HELP and TYPE everywhere, valid names.
  const check = promtool(["check", "metrics"], r.text);
  expect({ code: check.code, out: check.out }).toEqual({ code: 0, out: "" });
});

test("the JSON API returns exactly the CLI's --json", async () => {
  const list = await get("/api/imports");
  expect(list.type).toContain("application/json");
  expect(list.text).toBe((await home.cli(["imports", "list", "--json"])).stdout);
  expect((await get("/api/imports?user=zak&state=failed")).text).toBe(
    (await home.cli(["imports", "list", "--json", "--user", "zak", "--state", "failed"])).stdout,
  );
  for (const id of [1, 2, 3, 4])
    expect((await get(`/api/imports/${id}`)).text).toBe(
      (await home.cli(["imports", "show", String(id), "--json"])).stdout,
    );
  for (const p of [...good, ...bad]) {
    const api = await get(`/api/files?path=${encodeURIComponent(p)}`);
    expect(api.status).toBe(200);
    expect(api.text).toBe((await home.cli(["files", "show", p, "--json"])).stdout);
  }
  // A path relative to the DropBox tree, as a user says it.
  const rel = await get(`/api/files?path=${encodeURIComponent("zak/ok.fake")}`);
  expect(FileShowJsonSchema.parse(JSON.parse(rel.text)).path).toBe(good[1]);
  expect((await get("/api/imports/99")).status).toBe(404);
  expect((await get("/api/files?path=/nowhere")).status).toBe(404);
  expect((await get("/api/imports?state=lost")).status).toBe(400);
  expect((await fetch(`${base}/api/imports`, { method: "POST" })).status).toBe(405);
});

test("files show: the failed file's import, reason and history", async () => {
  const r = await home.cli(["files", "show", bad[0]!, "--json"]);
  expect(r.code).toBe(0);
  const d = FileShowJsonSchema.parse(JSON.parse(r.stdout));
  expect(d.import?.state).toBe("failed");
  expect(d.history).toHaveLength(1);
  expect(d.history[0]).toMatchObject({ attempt: 1, importer: "exec", result: "failed" });
  expect(d.history[0]!.error).toContain("not a valid image");
  const text = await home.cli(["files", "show", "amy/exp 1/cells.fake"]);
  expect(text.stdout).toContain("state:    imported");
  expect(text.stdout).toContain("target:   Image:cells.fake");
  const none = await home.cli(["files", "show", "/no/such/file.fake"]);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain("DropBox has not seen /no/such/file.fake");
});

test("files show finds a file by its old path after a rename inside the DropBox", async () => {
  const old = good[1]!;
  const moved = path.join(path.dirname(old), "renamed", "ok-renamed.fake");
  fs.mkdirSync(path.dirname(moved));
  fs.renameSync(old, moved);
  await waitFor(
    () => homeFiles(home.dir).some((f) => f.path === moved && f.reason?.includes(old)),
    "the rename to be recorded",
    { timeoutMs: 30_000 },
  );
  const d = FileShowJsonSchema.parse(JSON.parse((await home.cli(["files", "show", old, "--json"])).stdout));
  expect(d).toMatchObject({ path: moved, renamedFrom: old, state: "imported", target: "Image:ok.fake" });
});

test("webhook and e-mail: exactly one notification per failed fileset, none for imports", async () => {
  await waitFor(() => hook.received.length >= 2 && mail.messages.length >= 2, "2 webhook calls and 2 e-mails", {
    timeoutMs: 30_000,
  });
  // A third failure after a node restart: notifications go in run order, so once it arrives
  // anything sent twice (a cursor lost in the restart) would have arrived before it.
  expect((await home.cli(["admin", "restart"])).code).toBe(0);
  base = baseUrl(home);
  const third = drop(home, "zak", ["bad-after-restart.fake"]);
  await waitFinished(home, third);
  await waitFor(() => hook.received.length >= 3 && mail.messages.length >= 3, "the third notification", {
    timeoutMs: 30_000,
  });
  expect(hook.received.map((x) => x.event)).toEqual(["import.failed", "import.failed", "import.failed"]);
  const ids = hook.received.map((x) => x.fileset.id);
  expect(new Set(ids).size).toBe(3);
  expect(hook.received.map((x) => x.fileset.files[0]).sort()).toEqual([...bad, ...third].sort());
  const show = JSON.parse((await home.cli(["imports", "show", String(ids[0]), "--json"])).stdout);
  expect(hook.received[0]!.fileset).toEqual(show);
  expect(mail.messages).toHaveLength(3);
  for (const m of mail.messages) expect(m.to).toEqual(["facility@example.org"]);
  const stack = mail.messages.find((m) => m.raw.includes("bad-stack.fake"))!;
  expect(stack.raw).toContain("Subject: [omero-fs] import failed for amy: bad-stack.fake");
  expect(stack.raw).toContain("not a valid image");
  expect(stack.raw).toContain("What to do:");
  expect(stack.raw).toContain("omero-fs imports retry");
  const m = parseMetrics((await get("/metrics")).text);
  expect(m.get('omerofs_notifications_pending{channel="webhook"}')).toBe(0);
});

describe("the status page in headless chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  test("shows the users, their files, states and the failure reason; escapes names; refreshes; searches", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    expect(await page.title()).toBe("DropBox imports");
    const users = await page.locator("section.user h3").allTextContents();
    expect(users).toEqual(["amy", "zak"]);
    const amy = page.locator('section.user[data-user="amy"]');
    const zak = page.locator('section.user[data-user="zak"]');
    await expect(amy.locator("li.fileset.imported .name").first().textContent()).resolves.toBe("exp 1/cells.fake");
    await expect(amy.locator("li.fileset.failed .name").textContent()).resolves.toBe("bad-stack.fake");
    const failed = zak.locator("li.fileset.failed", { hasText: "bad <img" });
    // The hostile name is text, not markup: no element was injected and nothing ran.
    await expect(failed.locator(".name").textContent()).resolves.toBe(HOSTILE);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    const reason = await failed.locator(".reason").textContent();
    expect(reason).toContain("not a valid image");
    await expect(failed.locator(".todo").textContent()).resolves.toContain("What to do");
    await expect(failed.locator(".badge").textContent()).resolves.toBe("failed");
    await expect(amy.locator(".summary").textContent()).resolves.toContain("1 imported");

    // A companion without its entry file: one of two files is here.
    // Not empty: an empty file is ignored whatever its name (Bio-Formats cannot open it).
    fs.writeFileSync(path.join(home.dir, "data", "DropBox", "zak", "lonely.fake.ini"), "sizeZ=1\n");
    // Wait for the grouped reason: the page may first show the file as "seen; not grouped yet".
    const pending = zak.locator("li.file.pending", { hasText: "lonely.fake.ini" }).filter({ hasText: "1 of 2" });
    await pending.waitFor({ timeout: 30_000 });
    await expect(pending.locator(".reason").textContent()).resolves.toBe(
      "1 of 2 files is here; waiting for lonely.fake. It is imported once that file arrives.",
    );

    // A file dropped now appears without a reload (the page refreshes itself).
    const fresh = drop(home, "amy", ["fresh.fake"]);
    await waitFinished(home, fresh);
    await page.waitForFunction(() => document.body.textContent?.includes("fresh.fake"), null, { timeout: 20_000 });

    // Search by file name.
    await page.fill("#q", "stack");
    // The search's own page, loaded (waiting for "load" before the press would find the old one).
    await Promise.all([page.waitForURL(/q=stack/, { waitUntil: "load" }), page.press("#q", "Enter")]);
    expect(await page.locator("section.user h3").allTextContents()).toEqual(["amy"]);
    expect(await page.locator("li.fileset .name").allTextContents()).toEqual(["bad-stack.fake"]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

test("the node logs where it serves HTTP", () => {
  expect(readLog(home.dir, "Node")).toMatch(/HTTP on http:\/\/127\.0\.0\.1:\d+\//);
});
