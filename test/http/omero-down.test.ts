/**
 * The status page while OMERO is down (issues 20 and 21), end to end: the real node, MonitorServer
 * and DropBox with the omero importer against the fake OMERO CLI (test/fixtures/fake-omero), whose
 * server refuses connections as omero-py reports it. In Debian's chromium the page says OMERO is
 * unreachable, why, that imports are paused and when the DropBox asks again; /metrics says
 * omerofs_omero_up 0; the file dropped meanwhile waits in the queue, not failed. Once OMERO
 * answers, the page is back to normal and the file is imported once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type ImportJson, ImportJsonSchema } from "@omero-fs/protocol";
import { type Browser, chromium } from "playwright-core";
import { z } from "zod";
import { jsonOf, makeHome, readLog, type TestHome } from "../cli/harness";
import { axeViolations, OUTPUT, overflowing } from "../helpers/browser";
import { waitFor } from "../helpers/wait";
import { fakeOmero } from "../importers/fake-omero";
import { FAKE_OMERO } from "../importers/helpers";
import { baseUrl, drop, FAST_ENV, parseMetrics } from "./helpers";

jest.setTimeout(120_000);

const CHROMIUM = "/usr/bin/chromium";
/** The probe backoff shrunk (OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MS): seconds apart, so the page can show the next one. */
const PROBE_MS = 2000;

let home: TestHome | null = null;
let browser: Browser | null = null;

afterEach(async () => {
  await browser?.close();
  browser = null;
  home?.cleanup();
  home = null;
});

async function imports(h: TestHome): Promise<ImportJson[]> {
  const r = await h.cli(["imports", "list", "--json"]);
  return r.code === 0 ? z.array(ImportJsonSchema).parse(jsonOf(r)) : [];
}

async function omeroUp(h: TestHome): Promise<number | undefined> {
  return parseMetrics(await (await fetch(`${baseUrl(h)}/metrics`)).text()).get("omerofs_omero_up");
}

test("OMERO down: the page says so, why and when it is asked again; the drop waits, not failed; then back to normal", async () => {
  const h = makeHome({
    prefix: "omero-fs-page-omero-",
    config: {
      "omero.fs.importer": "omero",
      "omero.fs.omeroBin": FAKE_OMERO,
      "omero.fs.omeroServer": "omero.test",
      "omero.fs.dirImportWait": "0.5",
      "omero.fs.settleTime": "0.5",
      "omero.fs.throttleImport": "0",
      "omero.fs.rescanInterval": "0",
      // An attempt the outage spent would fail the fileset at once.
      "omero.fs.importRetries": "0",
      "omero.fs.httpAddress": "127.0.0.1:0",
    },
  });
  home = h;
  const pw = path.join(h.dir, "omero-password");
  fs.writeFileSync(pw, "secret\n", { mode: 0o600 });
  const cfgFile = path.join(h.dir, "etc", "config.json");
  fs.writeFileSync(
    cfgFile,
    JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, "utf8")), "omero.fs.omeroPasswordFile": pw }, null, 2),
  );
  const fake = fakeOmero(h.dir, { FAKE_OMERO_ADMIN_PASSWORD: "secret", FAKE_OMERO_USERS: "amy" });
  Object.assign(h.env, fake.env, FAST_ENV, {
    OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MS: String(PROBE_MS),
    OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MAX_MS: String(PROBE_MS),
  });
  fs.mkdirSync(path.join(h.dir, "data", "DropBox", "amy"), { recursive: true });
  const start = await h.cli(["admin", "start"]);
  if (start.code !== 0) throw new Error(`admin start: ${start.stdout}${start.stderr}`);
  const base = baseUrl(h);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${base}/`);
  const omero = page.locator('.health-item[data-key="omero"]');
  await waitFor(async () => (await omero.getAttribute("data-level")) === "ok", "OMERO reachable on the page");

  fake.down(null);
  const [dropped] = drop(h, "amy", ["run-1/img.fake"]);
  // The import meets the outage; the page (reloading itself) says so.
  await waitFor(async () => (await omero.getAttribute("data-level")) === "bad", "OMERO down on the page", {
    timeoutMs: 30_000,
    intervalMs: 100,
  }).catch((e: Error) => {
    throw new Error(`${e.message}\n${readLog(h.dir, "DropBox").split("\n").slice(-30).join("\n")}`);
  });
  const text = (await omero.locator(".text").textContent()) ?? "";
  expect(text).toMatch(/^unreachable since \d\d:\d\d UTC: /);
  expect(text).toContain("omero.test:4064 isn't running"); // omero-py's own words
  expect(text).toMatch(/imports paused \(none counted as failed\); asked again at \d\d:\d\d:\d\d UTC/);
  await expect(page.locator("p.alert").textContent()).resolves.toContain("OMERO unreachable since");
  expect(await axeViolations(page)).toEqual([]);
  expect(await overflowing(page)).toEqual([]);
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, "status-page-omero-down-e2e.png") });
  expect(await omeroUp(h)).toBe(0);

  // Probes keep failing (at least two more); the drop waits in the queue: no attempt spent, not failed.
  const probes = () => fake.calls().filter((c) => c.cmd === "login").length;
  const before = probes();
  await waitFor(() => probes() >= before + 2, "two more probes while OMERO is down", { timeoutMs: 20_000 });
  // The run that met the outage is history (`attempts` counts runs), not a failure.
  const waiting = await imports(h);
  expect(waiting.map((i) => ({ files: i.files, state: i.state }))).toEqual([{ files: [dropped], state: "queued" }]);
  expect(fake.imports()).toEqual([]);
  const id = String(waiting[0]!.id);
  await waitFor(
    async () => (await page.locator(`section.user li[data-id="${id}"]`).getAttribute("data-state")) === "queued",
    "the fileset queued on the page",
  );
  await expect(page.locator(`section.user li[data-id="${id}"] .progress`).textContent()).resolves.toBe(
    "1 file, in line for import: paused until OMERO answers (not a failure)",
  );
  expect(await page.locator("li.fileset.failed, li.attention-item.failed").count()).toBe(0);
  await expect(page.locator('.totals a[data-state="failed"] .n').textContent()).resolves.toBe("0");
  expect(await omeroUp(h)).toBe(0);

  fake.up();
  await waitFor(async () => (await omero.getAttribute("data-level")) === "ok", "OMERO reachable again on the page", {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  await expect(omero.locator(".text").textContent()).resolves.toMatch(/^reachable \(checked \d\d:\d\d UTC\)$/);
  const done = await waitFor(
    async () => (await imports(h)).find((i) => i.state === "imported" || i.state === "failed"),
    "the dropped file imported",
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  expect({ state: done.state, files: done.files }).toEqual({ state: "imported", files: [dropped] });
  expect(fake.imports().map((i) => i.entry)).toEqual([dropped]);
  // Back to normal: no problem named, the metric says up.
  await waitFor(async () => (await page.locator("p.alert").count()) === 0, "no alert on the page");
  expect(await omeroUp(h)).toBe(1);
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(OUTPUT, "status-page-omero-up-e2e.png") });
  expect(errors).toEqual([]);
});
