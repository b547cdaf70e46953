/**
 * Outages are not failures (issue 20), end to end: the node, the real MonitorServer and DropBox,
 * the omero importer against the fake OMERO CLI (test/fixtures/fake-omero), whose server refuses
 * connections while 50 filesets arrive. All 50 are imported once afterwards, none failed, no
 * attempt spent (importRetries 0); `admin status` exits 2 with "OMERO unreachable since ...";
 * /metrics has omerofs_omero_up; one notification for the pause and one for the resumption.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { logShows, makeHome, readLog, type TestHome } from "../cli/harness";
import { homeImports, homeStatus, serverOf } from "../helpers/home";
import { waitFor } from "../helpers/wait";
import { baseUrl, FAST_ENV, parseMetrics } from "../http/helpers";
import { type Webhook, webhook } from "../http/receivers";
import { type FakeOmero, fakeOmero } from "./fake-omero";
import { FAKE_OMERO } from "./helpers";

const N = 50;

interface Setup {
  h: TestHome;
  fake: FakeOmero;
  hook: Webhook;
}

async function setup(env: Record<string, string>): Promise<Setup> {
  const hook = await webhook();
  const h = makeHome({
    prefix: "omero-fs-outage-",
    config: {
      "omero.fs.importer": "omero",
      "omero.fs.omeroBin": FAKE_OMERO,
      "omero.fs.omeroServer": "omero.test",
      "omero.fs.dirImportWait": "0.5",
      "omero.fs.settleTime": "0.5",
      "omero.fs.throttleImport": "0",
      "omero.fs.rescanInterval": "0",
      "omero.fs.importConcurrency": "4",
      // A failure the outage caused would fail the fileset at once: none may be counted.
      "omero.fs.importRetries": "0",
      "omero.fs.httpAddress": "127.0.0.1:0",
      "omero.fs.notifyWebhook": hook.url,
    },
  });
  const pw = path.join(h.dir, "omero-password");
  fs.writeFileSync(pw, "secret\n", { mode: 0o600 });
  const cfgFile = path.join(h.dir, "etc", "config.json");
  fs.writeFileSync(
    cfgFile,
    JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, "utf8")), "omero.fs.omeroPasswordFile": pw }, null, 2),
  );
  const fake = fakeOmero(h.dir, { FAKE_OMERO_ADMIN_PASSWORD: "secret", FAKE_OMERO_USERS: "amy:amy@example.org,bob" });
  Object.assign(h.env, fake.env, FAST_ENV, env);
  fs.mkdirSync(path.join(h.dir, "data", "DropBox", "amy"), { recursive: true });
  fs.mkdirSync(path.join(h.dir, "data", "DropBox", "bob"), { recursive: true });
  return { h, fake, hook };
}

// Waits read the home in-process (test/helpers/home.ts: what `imports list --json` prints).
const imports = (h: TestHome) => homeImports(h.dir);

/** 50 single-file filesets for two users, dropped while OMERO is down. */
function dropFifty(h: TestHome): string[] {
  const out: string[] = [];
  for (let i = 0; i < N; i++) {
    const p = path.join(
      h.dir,
      "data",
      "DropBox",
      i % 2 ? "bob" : "amy",
      `run-${String(i).padStart(2, "0")}`,
      "img.fake",
    );
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, "");
    out.push(p);
  }
  return out;
}

async function expectAllImportedOnce(s: Setup, dropped: string[], timeoutMs: number): Promise<void> {
  const all = await waitFor(
    () => {
      const list = imports(s.h);
      return list.filter((i) => i.state === "imported").length >= N ? list : null;
    },
    `${N} imports after the outage`,
    { timeoutMs, intervalMs: 100 },
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${readLog(s.h.dir, "DropBox").split("\n").slice(-40).join("\n")}`);
  });
  expect(all.filter((i) => i.state === "failed")).toEqual([]);
  expect(
    all
      .filter((i) => i.state === "imported")
      .flatMap((i) => i.files)
      .sort(),
  ).toEqual([...dropped].sort());
  // Imported once each: OMERO recorded one import per file.
  const entries = s.fake.imports().map((r) => r.entry);
  expect(entries.sort()).toEqual([...dropped].sort());
}

describe("OMERO outages pause the DropBox's queue; nothing fails", () => {
  let s: Setup | null = null;
  afterEach(async () => {
    s?.h.cleanup();
    await s?.hook.close();
    s = null;
  });

  it("50 filesets during an outage: paused (admin status 2, metric 0, one notification), then all imported once", async () => {
    s = await setup({ OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MS: "200", OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MAX_MS: "1000" });
    const { h, fake, hook } = s;
    const started = await h.cli(["admin", "start"]);
    expect(started.code).toBe(0);
    expect((await h.cli(["admin", "status"])).code).toBe(0);
    fake.down(null);
    const dropped = dropFifty(h);
    // The first import meets the outage: the queue pauses, the DropBox is degraded.
    await waitFor(
      async () => /OMERO unreachable since/.test(serverOf(await homeStatus(h.dir), "DropBox").reason ?? ""),
      "the DropBox degraded with OMERO unreachable",
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const status = await h.cli(["admin", "status"]);
    expect(status.code).toBe(2);
    expect(status.stdout + status.stderr).toMatch(/OMERO unreachable since \d{4}-\d\d-\d\dT/);
    expect(status.stdout + status.stderr).toContain("isn't running");
    const down = parseMetrics(await (await fetch(`${baseUrl(h)}/metrics`)).text());
    expect(down.get("omerofs_omero_up")).toBe(0);
    // Every fileset comes in while it is down; none fails.
    await waitFor(
      () => imports(h).filter((i) => i.state === "queued").length === N,
      `${N} filesets queued while OMERO is down`,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(imports(h).filter((i) => i.state === "failed")).toEqual([]);
    fake.up();
    await expectAllImportedOnce(s, dropped, 60_000);
    expect((await h.cli(["admin", "status"])).code).toBe(0);
    const up = parseMetrics(await (await fetch(`${baseUrl(h)}/metrics`)).text());
    expect(up.get("omerofs_omero_up")).toBe(1);
    await waitFor(() => hook.received.some((m) => m.event === "omero.resumed"), "the resumed notification");
    const omero = hook.received.filter((m) => m.event.startsWith("omero."));
    expect(omero.map((m) => m.event)).toEqual(["omero.paused", "omero.resumed"]);
    expect(hook.received.filter((m) => m.event === "import.failed")).toEqual([]);
    await logShows(h.dir, "DropBox", /OMERO answers again: imports resume/);
  }, 180_000);

  it("a two-minute outage at 1/50 time while 50 filesets arrive (the production probe backoff, scaled through its test hooks): probes back off as in production; all imported once, none failed", async () => {
    // Production: first probe 5 s after the pause, doubling to every 60 s (core/omero-health.ts
    // DEFAULT_PROBE; its unit test runs this outage on the injected clock). Same code, 1/50 time.
    const SCALE = 50;
    const base = 5000 / SCALE;
    const max = 60_000 / SCALE;
    s = await setup({
      OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MS: String(base),
      OMERO_FS_TEST_DROPBOX_OMERO_PROBE_MAX_MS: String(max),
    });
    const { h, fake, hook } = s;
    expect((await h.cli(["admin", "start"])).code).toBe(0);
    fake.down(null);
    const t0 = Date.now();
    const dropped = dropFifty(h);
    // The outage lasts 2 minutes (scaled) and at least until the probes reached the backoff's cap:
    // its length is the case, not a guess, and under load the pause may come late.
    const probes = () =>
      fake
        .calls()
        .filter((c) => c.cmd === "login" && c.sessionDir?.endsWith(".admin") && !c.argv.includes("--sudo"))
        .map((c) => c.at)
        .filter((at) => at > t0);
    await waitFor(() => hook.received.some((m) => m.event === "omero.paused"), "the paused notification", {
      timeoutMs: 30_000,
    });
    await waitFor(
      () => Date.now() - t0 >= 120_000 / SCALE && probes().length >= 5,
      "2 minutes (scaled) of outage and 5 probes",
      { timeoutMs: 30_000 },
    );
    fake.up();
    const upAt = Date.now();
    await expectAllImportedOnce(s, dropped, 60_000);
    // Each refused probe waited at least its backoff (under load a gap only grows): 2, 4, 8, 12 (the cap) times 1/50 s.
    const at = probes().filter((x) => x < upAt);
    const gaps = at.slice(1).map((x, i) => x - at[i]);
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    for (const [i, g] of gaps.entries()) expect(g).toBeGreaterThanOrEqual(Math.min(max, base * 2 ** (i + 1)));
    expect(hook.received.filter((m) => m.event.startsWith("omero.")).map((m) => m.event)).toEqual([
      "omero.paused",
      "omero.resumed",
    ]);
  }, 120_000);
});
