/**
 * Many imports at once and the move from the trial to OMERO (issue 20), with the node and the real
 * servers: `imports retry --state failed` (count, confirmation, --yes), `imports reimport
 * --importer local` (explicit, recorded in each fileset's history), and results reaching the
 * people who dropped the files (omero.fs.notifyUsers, omero.fs.webUrl).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type ImportJson, ImportJsonSchema } from "@omero-fs/protocol";
import { jsonOf, makeHome, readLog, type TestHome } from "../cli/harness";
import { homeImports } from "../helpers/home";
import { FAST_ENV } from "../http/helpers";
import { type Smtp, smtp } from "../http/receivers";
import { waitFor } from "../helpers/wait";
import { type FakeOmero, fakeOmero } from "./fake-omero";
import { FAKE_OMERO } from "./helpers";

jest.setTimeout(120_000);

const WEB = "https://omero.example.org/webclient/";

function omeroConfig(h: TestHome, extra: Record<string, string> = {}): Record<string, string> {
  const pw = path.join(h.dir, "pw");
  fs.writeFileSync(pw, "secret\n", { mode: 0o600 });
  return {
    "omero.fs.importer": "omero",
    "omero.fs.omeroBin": FAKE_OMERO,
    "omero.fs.omeroServer": "omero.test",
    "omero.fs.omeroPasswordFile": pw,
    "omero.fs.dirImportWait": "0.5",
    "omero.fs.settleTime": "0.5",
    "omero.fs.throttleImport": "0",
    "omero.fs.rescanInterval": "0",
    "omero.fs.importRetries": "0",
    "omero.fs.httpAddress": "off",
    ...extra,
  };
}

function writeConfig(h: TestHome, c: Record<string, string>): void {
  fs.writeFileSync(path.join(h.dir, "etc", "config.json"), JSON.stringify(c, null, 2));
}

// Read in-process (test/helpers/home.ts: what `imports list --json` prints), not a CLI start per poll.
async function list(h: TestHome): Promise<ImportJson[]> {
  return homeImports(h.dir);
}

function drop(h: TestHome, user: string, name: string): string {
  const p = path.join(h.dir, "data", "DropBox", user, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, "");
  return p;
}

const until = (h: TestHome, what: string, ok: (l: ImportJson[]) => boolean) =>
  waitFor(async () => ok(await list(h)), what, { timeoutMs: 60_000, intervalMs: 100 }).catch((e: Error) => {
    throw new Error(`${e.message}\n${readLog(h.dir, "DropBox").split("\n").slice(-30).join("\n")}`);
  });

describe("many imports at once; from the trial to OMERO; mails to the people who dropped the files", () => {
  let h: TestHome;
  let fake: FakeOmero;
  let mail: Smtp | null = null;
  afterEach(async () => {
    h.cleanup();
    await mail?.close();
    mail = null;
  });

  it("imports retry --state failed: the count, a confirmation (--yes for scripts), each queued again", async () => {
    h = makeHome({ prefix: "omero-fs-many-" });
    fake = fakeOmero(h.dir, { FAKE_OMERO_FAIL_TIMES: "3" });
    Object.assign(h.env, fake.env, FAST_ENV);
    writeConfig(h, omeroConfig(h, { "omero.fs.importConcurrency": "1" }));
    expect((await h.cli(["admin", "start"])).code).toBe(0);
    for (let i = 0; i < 5; i++) drop(h, i < 3 ? "amy" : "bob", `s${i}/x.fake`);
    await until(
      h,
      "5 filesets done (3 failed)",
      (l) => l.length === 5 && l.every((i) => i.state === "imported" || i.state === "failed"),
    );
    expect((await list(h)).filter((i) => i.state === "failed")).toHaveLength(3);
    // No terminal, no --yes: nothing is done, and it says how many it would be.
    const refused = await h.cli(["imports", "retry", "--state", "failed"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Retry 3 failed imports: not confirmed (stdin is not a terminal); add --yes");
    expect((await list(h)).filter((i) => i.state === "failed")).toHaveLength(3);
    const bad = await h.cli(["imports", "retry", "--state", "imported", "--yes"]);
    expect(bad.stderr).toContain("imports retry --state imported: only failed imports can be retried");
    const r = await h.cli(["imports", "retry", "--state", "failed", "--since", "1h", "--yes"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 of 3 queued again");
    await until(h, "all 5 imported", (l) => l.filter((i) => i.state === "imported").length === 5);
  });

  it("from the trial to OMERO: reimport --importer local imports the trial's filesets again, recorded in their history", async () => {
    h = makeHome({ prefix: "omero-fs-trial-" });
    fake = fakeOmero(h.dir);
    Object.assign(h.env, fake.env, FAST_ENV);
    const trial = { ...omeroConfig(h), "omero.fs.importer": "local" };
    writeConfig(h, trial);
    expect((await h.cli(["admin", "start"])).code).toBe(0);
    const a = drop(h, "amy", "trial/a.fake");
    const b = drop(h, "amy", "trial/b.fake");
    await until(h, "2 imported by the local importer", (l) => l.filter((i) => i.state === "imported").length === 2);
    expect((await h.cli(["admin", "stop"])).code).toBe(0);
    writeConfig(h, { ...omeroConfig(h), "omero.fs.webUrl": WEB });
    expect((await h.cli(["admin", "start"])).code).toBe(0);
    // Never automatic: the trial's imports stay as they are until asked.
    expect(fake.imports()).toEqual([]);
    const none = await h.cli(["imports", "reimport"]);
    expect(none.stderr).toContain("give import ids, or --importer local");
    const r = await h.cli(["imports", "reimport", "--importer", "local", "--yes"]);
    expect(r.stdout).toContain("2 of 2 queued to be imported again");
    const done = await until(h, "2 imported by OMERO", (l) =>
      l.every((i) => i.state === "imported" && i.importer === "omero"),
    );
    expect(done).toBe(true);
    expect(
      fake
        .imports()
        .map((x) => x.entry)
        .sort(),
    ).toEqual([a, b].sort());
    const id = (await list(h))[0]!.id;
    const show = await h.cli(["imports", "show", String(id), "--json"]);
    const doc = ImportJsonSchema.parse(jsonOf(show));
    expect(doc.notes?.map((n) => n.kind)).toEqual(["reimport"]);
    expect(doc.notes![0]!.text).toMatch(
      /^reimport asked by hand: imported by the local importer at .* -> .*ManagedRepository.*; queued for the omero importer$/,
    );
    expect(doc.webLink).toMatch(/^https:\/\/omero\.example\.org\/webclient\/\?show=image-\d+$/);
    const text = await h.cli(["imports", "show", String(id)]);
    expect(text.stdout).toMatch(/OMERO\.web: {2}https:\/\/omero\.example\.org\/webclient\/\?show=image-/);
    expect(text.stdout).toMatch(/history \(1\):\n {4}\S+ reimport: reimport asked by hand/);
    // Imported again once is the end of it: a second reimport is explicit too (and refused for what is not imported).
    const again = await h.cli(["imports", "reimport", "999"]);
    expect(again.code).toBe(1);
  });

  it("notifyUsers: the user's own address from OMERO; failed and imported mails with what to do and the OMERO.web link", async () => {
    mail = await smtp();
    h = makeHome({ prefix: "omero-fs-users-" });
    fake = fakeOmero(h.dir, { FAKE_OMERO_USERS: "amy:amy@example.org,bob", FAKE_OMERO_FAIL_TIMES: "1" });
    Object.assign(h.env, fake.env, FAST_ENV);
    writeConfig(
      h,
      omeroConfig(h, {
        "omero.fs.importConcurrency": "1",
        "omero.fs.notifyUsers": "all",
        "omero.fs.notifySmtp": `smtp://127.0.0.1:${mail.port}`,
        "omero.fs.notifyEmail": "facility@example.org",
        "omero.fs.webUrl": WEB,
      }),
    );
    expect((await h.cli(["admin", "start"])).code).toBe(0);
    drop(h, "amy", "one/first.fake");
    await until(h, "amy's first fails", (l) => l.some((i) => i.state === "failed"));
    drop(h, "amy", "two/second.fake");
    drop(h, "bob", "three/third.fake");
    await until(h, "2 imported", (l) => l.filter((i) => i.state === "imported").length === 2);
    await waitFor(() => mail!.messages.filter((m) => m.to.includes("amy@example.org")).length >= 2, "amy's two mails", {
      timeoutMs: 30_000,
    });
    const amy = mail.messages.filter((m) => m.to.includes("amy@example.org")).map((m) => m.raw);
    const failed = amy.find((m) => /could not be imported/.test(m))!;
    expect(failed).toContain("Your data set one/first.fake (1 file) could not be imported into OMERO.");
    expect(failed).toMatch(/What to do: /);
    const ok = amy.find((m) => /is in OMERO/.test(m))!;
    expect(ok).toMatch(/See it in OMERO\.web: https:\/\/omero\.example\.org\/webclient\/\?show=image-\d+/);
    // bob has no address in OMERO: said once in the log, nothing retried; the facility still hears of failures.
    await waitFor(() => /bob has no e-mail address in OMERO/.test(readLog(h.dir, "Node")), "the note about bob");
    expect(
      mail.messages.some((m) => m.to.includes("facility@example.org") && /import failed for amy/.test(m.raw)),
    ).toBe(true);
  });
});
