/**
 * `omero-fs omero check` and `config check --connect` (issue 20) against the fake OMERO CLI: each
 * check with what to fix; exit 1 when one fails; in-place transfers verified through OMERO's own
 * `fs sets --check`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type OmeroCheckJson, OmeroCheckJsonSchema } from "@omero-fs/protocol";
import { jsonOf, makeHome, type TestHome } from "../cli/harness";
import { type FakeOmero, fakeOmero } from "./fake-omero";
import { FAKE_OMERO } from "./helpers";

jest.setTimeout(60_000);

describe("omero-fs omero check", () => {
  let h: TestHome;
  let fake: FakeOmero;
  let repo: string;
  const drop = () => path.join(h.dir, "data", "DropBox");

  beforeEach(() => {
    h = makeHome({ prefix: "omero-fs-check-" });
    const pw = path.join(h.dir, "pw");
    fs.writeFileSync(pw, "secret\n", { mode: 0o600 });
    repo = path.join(h.dir, "ManagedRepository");
    fs.mkdirSync(repo);
    fake = fakeOmero(h.dir, {
      FAKE_OMERO_ADMIN_PASSWORD: "secret",
      FAKE_OMERO_USERS: "amy:amy@example.org,bob",
      FAKE_OMERO_MANAGED_REPO: repo,
    });
    Object.assign(h.env, fake.env);
    setConfig({
      "omero.fs.importer": "omero",
      "omero.fs.omeroBin": FAKE_OMERO,
      "omero.fs.omeroServer": "omero.test",
      "omero.fs.omeroPasswordFile": pw,
    });
    for (const u of ["amy", "bob"]) fs.mkdirSync(path.join(drop(), u), { recursive: true });
  });
  afterEach(() => h.cleanup());

  function setConfig(extra: Record<string, string>): void {
    const f = path.join(h.dir, "etc", "config.json");
    const cur = fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : {};
    fs.writeFileSync(f, JSON.stringify({ ...cur, ...extra }, null, 2));
  }
  async function check(): Promise<{ code: number | null; r: OmeroCheckJson; text: string }> {
    const j = await h.cli(["omero", "check", "--json"]);
    const t = await h.cli(["omero", "check"]);
    return { code: j.code, r: OmeroCheckJsonSchema.parse(jsonOf(j)), text: t.stdout + t.stderr };
  }
  const named = (r: OmeroCheckJson, name: string) => r.checks.filter((c) => c.name === name);

  it("all good: login, versions, the Java importer, import arguments, users", async () => {
    setConfig({ "omero.fs.importArgs": "-T Dataset:name:dropbox --report" });
    const { code, r, text } = await check();
    expect(code).toBe(0);
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([
      ["password", true],
      ["cli", true],
      ["login", true],
      ["importer", true],
      ["versions", true],
      ["importArgs", true],
      ["users", true],
    ]);
    expect(named(r, "versions")[0]!.detail).toBe("OMERO.server 5.6.9-ice36; Java importer 5.6.9");
    expect(named(r, "users")[0]!.detail).toMatch(/amy, bob known to OMERO$/);
    expect(text).toContain("OMERO is ready for the DropBox");
    // config check --connect runs the same checks after the configuration's.
    const c = await h.cli(["config", "check", "--connect", "--json"]);
    expect(c.code).toBe(0);
    expect((jsonOf(c) as { omero: OmeroCheckJson }).omero.ok).toBe(true);
  });

  it("says what to fix: OMERO down, an argument omero import does not take, an unknown user folder, no Java", async () => {
    setConfig({ "omero.fs.importArgs": "--bogus" });
    fs.mkdirSync(path.join(drop(), "zak"));
    fake.down(null);
    let { code, r, text } = await check();
    expect(code).toBe(1);
    expect(named(r, "login")[0]).toMatchObject({
      ok: false,
      detail: "Ice.ConnectionRefusedException: omero.test:4064 isn't running",
    });
    expect(named(r, "login")[0]!.fix).toMatch(/^start OMERO, or check omero.fs.omeroServer \(omero.test\)/);
    expect(named(r, "importArgs")[0]).toMatchObject({ ok: false });
    expect(named(r, "importArgs")[0]!.detail).toMatch(
      /omero import does not take "--bogus": unrecognized option '--bogus'$/,
    );
    expect(named(r, "users")[0]).toMatchObject({ ok: null, detail: "not checked (needs the login)" });
    expect(text).toMatch(/FAIL {2}login: .*\n {8}fix: start OMERO/);
    expect(text).toContain("omero-fs: omero check: 2 check(s) failed (listed above)");
    fake.up();
    ({ code, r } = await check());
    expect(named(r, "users")[0]).toMatchObject({ ok: false });
    expect(named(r, "users")[0]!.detail).toMatch(/: zak unknown to OMERO: their files would fail$/);
    Object.assign(h.env, { FAKE_OMERO_NO_JAVA: "1" });
    ({ r } = await check());
    expect(named(r, "importer")[0]).toMatchObject({ ok: false });
    expect(named(r, "importer")[0]!.detail).toContain("No such file or directory: 'java'");
  });

  it("in-place transfer: not verified before the first import, then OMERO's own read of it", async () => {
    setConfig({ "omero.fs.transfer": "ln_s" });
    let { r } = await check();
    expect(named(r, "transfer")[0]).toMatchObject({ ok: null });
    expect(named(r, "transfer")[0]!.detail).toMatch(
      /not verified yet: OMERO has no in-place fileset .* sudo -u <the OMERO server's OS user> head -c 1/,
    );
    // An in-place import of amy's (as the DropBox makes it), then OMERO loses read access to her folder.
    const f = path.join(drop(), "amy", "a.tif");
    fs.writeFileSync(f, "px");
    const env = { ...process.env, ...h.env, OMERO_PASSWORD: "secret", OMERO_SESSIONDIR: path.join(h.dir, "s") };
    expect(spawnSync(FAKE_OMERO, ["login", "-s", "omero.test", "-u", "root"], { env }).status).toBe(0);
    const key = spawnSync(FAKE_OMERO, ["sessions", "key"], { env, encoding: "utf8" }).stdout.trim();
    const imp = spawnSync(FAKE_OMERO, ["-s", "omero.test", "-k", key, "import", "--", "--transfer=ln_s", f], { env });
    expect(imp.status).toBe(0);
    ({ r } = await check());
    expect(named(r, "transfer")[0]).toMatchObject({ ok: true });
    fake.cannotRead(path.join(drop(), "amy"));
    const bad = await check();
    expect(bad.code).toBe(1);
    expect(named(bad.r, "transfer")[0]).toMatchObject({ ok: false });
    expect(named(bad.r, "transfer")[0]!.fix).toMatch(/^give the OMERO server's OS user read access to /);
  });
});
