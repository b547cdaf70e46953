/**
 * Outages are not failures (issue 20), end to end: the node, the real MonitorServer and DropBox,
 * the omero importer against the fake OMERO CLI (test/fixtures/fake-omero), whose server refuses
 * connections while 50 filesets arrive. All 50 are imported once afterwards, none failed, no
 * attempt spent (importRetries 0); `admin status` exits 2 with "OMERO unreachable since ...";
 * /metrics has omerofs_omero_up; one notification for the pause and one for the resumption.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type ImportJson, ImportJsonSchema } from "@omero-fs/protocol";
import { z } from "zod";
import { jsonOf, makeHome, readLog, type TestHome } from "../cli/harness";
import { baseUrl, FAST_ENV, parseMetrics } from "../http/helpers";
import { type Webhook, webhook } from "../http/receivers";
import { waitFor } from "../helpers/wait";
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

async function imports(h: TestHome): Promise<ImportJson[]> {
  const r = await h.cli(["imports", "list", "--json"]);
  return r.code === 0 ? z.array(ImportJsonSchema).parse(jsonOf(r)) : [];
}

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
    async () => {
      const list = await imports(s.h);
      return list.filter((i) => i.state === "imported").length >= N ? list : null;
    },
    `${N} imports after the outage`,
    { timeoutMs, intervalMs: 500 },
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
    const status = await waitFor(
      async () => {
        const r = await h.cli(["admin", "status"]);
        return r.code === 2 && /OMERO unreachable since \d{4}-\d\d-\d\dT/.test(r.stdout + r.stderr) ? r : null;
      },
      "admin status exit 2 with OMERO unreachable",
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(status.stdout + status.stderr).toContain("isn't running");
    const down = parseMetrics(await (await fetch(`${baseUrl(h)}/metrics`)).text());
    expect(down.get("omerofs_omero_up")).toBe(0);
    // Every fileset comes in while it is down; none fails.
    await waitFor(
      async () => (await imports(h)).filter((i) => i.state === "queued").length === N,
      `${N} filesets queued while OMERO is down`,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect((await imports(h)).filter((i) => i.state === "failed")).toEqual([]);
    fake.up();
    await expectAllImportedOnce(s, dropped, 60_000);
    expect((await h.cli(["admin", "status"])).code).toBe(0);
    const up = parseMetrics(await (await fetch(`${baseUrl(h)}/metrics`)).text());
    expect(up.get("omerofs_omero_up")).toBe(1);
    await waitFor(() => hook.received.some((m) => m.event === "omero.resumed"), "the resumed notification");
    const omero = hook.received.filter((m) => m.event.startsWith("omero."));
    expect(omero.map((m) => m.event)).toEqual(["omero.paused", "omero.resumed"]);
    expect(hook.received.filter((m) => m.event === "import.failed")).toEqual([]);
    expect(readLog(h.dir, "DropBox")).toMatch(/OMERO answers again: imports resume/);
  }, 180_000);

  it("a real two-minute outage while 50 filesets arrive (production probe backoff): all imported once, none failed", async () => {
    s = await setup({});
    const { h, fake } = s;
    expect((await h.cli(["admin", "start"])).code).toBe(0);
    fake.down(120_000);
    const t0 = Date.now();
    const dropped = dropFifty(h);
    await expectAllImportedOnce(s, dropped, 300_000);
    // Nothing was imported before OMERO came back.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(120_000);
  }, 360_000);
});
