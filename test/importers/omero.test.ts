import * as fs from "node:fs";
import * as path from "node:path";
import { createImporter, ImporterConfigError } from "../../packages/dropbox/src/importers";
import { tempDir, waitFor } from "../helpers/wait";
import { type FakeOmero, fakeOmero } from "./fake-omero";
import { configFor, FAKE_OMERO, HOSTILE_NAMES, isAlive, memoryLog, readJsonLines, request } from "./helpers";

interface Call {
  argv: string[];
  cmd: string;
  omeroPassword: string | null;
  fsPasswordVisible: boolean;
  sessionDir: string | null;
  pid: number;
  childPid?: number;
}

const PASSWORD = `adm pw $(x) "q"`;
const IMPORT_ARGS = `-T "regex:^.*/(?<Container1>.*?)" --report --email zak@example.com`;
const run = (timeoutMs = 60_000) => ({ signal: new AbortController().signal, timeoutMs });

describe("omero importer against the fake omero CLI", () => {
  let t: ReturnType<typeof tempDir>;
  let home: string;
  let drop: string;
  let logFile: string;
  let pwFile: string;

  beforeEach(() => {
    t = tempDir("omero-fs-omero-");
    home = t.dir;
    drop = path.join(home, "data", "DropBox");
    fs.mkdirSync(path.join(drop, "amy"), { recursive: true });
    fs.mkdirSync(path.join(drop, "bob"), { recursive: true });
    logFile = path.join(home, "fake-omero.jsonl");
    pwFile = path.join(home, "omero-password");
    fs.writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
  });
  afterEach(() => t.cleanup());

  function setup(fakeEnv: Record<string, string> = {}, global: Record<string, unknown> = {}, killGraceMs = 500) {
    const config = configFor(
      home,
      {
        importer: "omero",
        omeroBin: FAKE_OMERO,
        omeroServer: "omero.test",
        omeroPort: 14064,
        omeroAdmin: "root",
        omeroPasswordFile: pwFile,
        ...global,
      },
      { importArgs: IMPORT_ARGS, watchDir: drop },
    );
    const env = { PATH: process.env.PATH, FAKE_OMERO_LOG: logFile, FAKE_OMERO_ADMIN_PASSWORD: PASSWORD, ...fakeEnv };
    const { log, lines } = memoryLog();
    const importer = createImporter(config, { log, env, killGraceMs });
    return { config, importer, lines };
  }

  function drop1(user: string, name: string, content = "pixels"): string {
    const p = path.join(drop, user, name);
    fs.writeFileSync(p, content);
    return p;
  }

  it("logs in once with --sudo (password only in the environment) and imports hostile names with OMERO.dropbox's argv", async () => {
    const { config, importer, lines } = setup();
    expect(importer.kind).toBe("omero");
    const entries = HOSTILE_NAMES.map((n) => drop1("amy", n));
    const outcomes = [];
    for (const [k, entry] of entries.entries())
      outcomes.push(await importer.run(request(config, 10 + k, "amy", [entry]), run()));
    expect(outcomes).toEqual(
      entries.map((_e, k) => ({ ok: true, retryable: false, target: `Image:${k + 1}`, images: null, error: null })),
    );

    const calls = readJsonLines<Call>(logFile);
    expect(calls.map((c) => c.cmd)).toEqual(["login", "key", ...entries.map(() => "import")]);
    const sessionDir = path.join(home, "var", "omero-sessions", "amy");
    expect(calls[0]).toMatchObject({
      argv: ["login", "--sudo", "root", "-u", "amy", "-s", "omero.test", "-p", "14064"],
      omeroPassword: PASSWORD,
      fsPasswordVisible: false,
      sessionDir,
    });
    expect(fs.statSync(sessionDir).mode & 0o777).toBe(0o700);
    const imports = calls.slice(2);
    const key = imports[0]!.argv[5]!;
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    for (const [k, c] of imports.entries()) {
      expect(c.omeroPassword).toBeNull();
      expect(c.fsPasswordVisible).toBe(false);
      expect(c.argv.slice(0, 7)).toEqual(["-s", "omero.test", "-p", "14064", "-k", key, "import"]);
      expect(c.argv[7]).toMatch(/^---errs=\/.+\/import\.err$/);
      expect(c.argv[8]).toMatch(/^---file=\/.+\/import\.out$/);
      expect(c.argv.slice(9)).toEqual([
        "--",
        "--agent=dropbox",
        "-T",
        "regex:^.*/(?<Container1>.*?)",
        "--report",
        "--email",
        "zak@example.com",
        entries[k],
      ]);
    }
    // the temporary output files are gone, and neither password nor key reached DropBox.log
    expect(fs.existsSync(imports[0]!.argv[7]!.slice("---errs=".length))).toBe(false);
    expect(lines.join("\n")).not.toContain(PASSWORD);
    expect(lines.join("\n")).not.toContain(key);
    expect(lines.filter((l) => l.startsWith("info [fileset 10] ")).length).toBeGreaterThan(3);
    expect(lines).toContain("info [fileset 10] import stdout: Image:1");
  });

  it("one session per user, each in its own session store", async () => {
    const { config, importer } = setup();
    await importer.run(request(config, 1, "amy", [drop1("amy", "a.tif")]), run());
    await importer.run(request(config, 2, "bob", [drop1("bob", "b.tif")]), run());
    await importer.run(request(config, 3, "amy", [drop1("amy", "c.tif")]), run());
    const calls = readJsonLines<Call>(logFile);
    expect(calls.map((c) => `${c.cmd}:${path.basename(c.sessionDir ?? "")}`)).toEqual([
      "login:amy",
      "key:amy",
      "import:amy",
      "login:bob",
      "key:bob",
      "import:bob",
      "import:amy",
    ]);
    expect(calls[2]!.argv[5]).toBe(calls[6]!.argv[5]);
    expect(calls[5]!.argv[5]).not.toBe(calls[2]!.argv[5]);
  });

  it("concurrent imports of one user share one login", async () => {
    const { config, importer } = setup();
    const outs = await Promise.all(
      [1, 2, 3].map((k) => importer.run(request(config, k, "amy", [drop1("amy", `p${k}.tif`)]), run())),
    );
    expect(outs.every((o) => o.ok)).toBe(true);
    expect(readJsonLines<Call>(logFile).filter((c) => c.cmd === "login")).toHaveLength(1);
  });

  it("fails twice, retryably with the importer's reason, then succeeds", async () => {
    const { config, importer } = setup({ FAKE_OMERO_FAIL_TIMES: "2" });
    const req = request(config, 5, "amy", [drop1("amy", "flaky.tif")]);
    const first = await importer.run(req, run());
    const second = await importer.run(req, run());
    const third = await importer.run(req, run());
    expect(first).toEqual({
      ok: false,
      retryable: true,
      target: null,
      images: null,
      error: "omero import exited 2: java.lang.RuntimeException: simulated failure 1",
    });
    expect(second.error).toBe("omero import exited 2: java.lang.RuntimeException: simulated failure 2");
    expect(second.retryable).toBe(true);
    expect(third).toEqual({ ok: true, retryable: false, target: "Image:1", images: null, error: null });
  });

  it("a user unknown to OMERO fails permanently with that reason and never imports", async () => {
    const { config, importer, lines } = setup({ FAKE_OMERO_UNKNOWN_USERS: "zak,yan" });
    fs.mkdirSync(path.join(drop, "zak"));
    const out = await importer.run(request(config, 9, "zak", [drop1("zak", "z.tif")]), run());
    expect(out).toEqual({
      ok: false,
      retryable: false,
      target: null,
      images: null,
      error: "user zak unknown to OMERO",
    });
    expect(readJsonLines<Call>(logFile).map((c) => c.cmd)).toEqual(["login"]);
    expect(lines.some((l) => l.includes("[fileset 9] omero stderr: ") && l.includes("No such experimenter: zak"))).toBe(
      true,
    );
  });

  it("a wrong admin password is the server's problem (the DropBox pauses), naming the password setting", async () => {
    fs.writeFileSync(pwFile, "wrong\n");
    const { config, importer } = setup();
    const out = await importer.run(request(config, 4, "amy", [drop1("amy", "a.tif")]), run());
    const reason = `OMERO login as root refused the admin password (check omero.fs.omeroPasswordFile ${pwFile})`;
    expect(out).toEqual({
      ok: false,
      retryable: true,
      target: null,
      images: null,
      error: `OMERO login refused: ${reason}`,
      serverProblem: { kind: "login-refused", reason },
    });
    expect(await importer.probe!()).toEqual({ kind: "login-refused", reason });
    // The file is read again at each login: fixed, the probe logs in.
    fs.writeFileSync(pwFile, `${PASSWORD}\n`);
    expect(await importer.probe!()).toBeNull();
  });

  it("takes the password from OMERO_FS_OMERO_PASSWORD and keeps it from every child", async () => {
    const config = configFor(
      home,
      { importer: "omero", omeroBin: FAKE_OMERO, omeroPasswordFile: "" },
      { importArgs: "", watchDir: drop },
    );
    const env = {
      PATH: process.env.PATH,
      FAKE_OMERO_LOG: logFile,
      FAKE_OMERO_ADMIN_PASSWORD: "envpw",
      OMERO_FS_OMERO_PASSWORD: "envpw",
    };
    const importer = createImporter(config, { log: memoryLog().log, env });
    const entry = drop1("amy", "e.tif");
    expect((await importer.run(request(config, 1, "amy", [entry]), run())).ok).toBe(true);
    const calls = readJsonLines<Call>(logFile);
    expect(calls.map((c) => [c.cmd, c.omeroPassword, c.fsPasswordVisible])).toEqual([
      ["login", "envpw", false],
      ["key", null, false],
      ["import", null, false],
    ]);
    expect(calls[2]!.argv.slice(9)).toEqual(["--", "--agent=dropbox", entry]);
  });

  it("logs in again once when the session key has expired", async () => {
    const { config, importer, lines } = setup({ FAKE_OMERO_EXPIRE_ONCE: "1" });
    const out = await importer.run(request(config, 3, "amy", [drop1("amy", "a.tif")]), run());
    expect(out).toMatchObject({ ok: true, target: "Image:1" });
    const calls = readJsonLines<Call>(logFile);
    expect(calls.map((c) => c.cmd)).toEqual(["login", "key", "import", "login", "key", "import"]);
    expect(calls[5]!.argv[5]).not.toBe(calls[2]!.argv[5]);
    expect(lines).toContain("info [fileset 3] OMERO session of amy expired; logging in again");
  });

  it("logs in again after the key's idle time has passed", async () => {
    let now = 1_000_000;
    const config = configFor(
      home,
      { importer: "omero", omeroBin: FAKE_OMERO, omeroPasswordFile: pwFile },
      { importArgs: "", watchDir: drop },
    );
    const env = { PATH: process.env.PATH, FAKE_OMERO_LOG: logFile, FAKE_OMERO_IDLE: "30 s." };
    const importer = createImporter(config, { log: memoryLog().log, env, now: () => now });
    await importer.run(request(config, 1, "amy", [drop1("amy", "a.tif")]), run());
    now += 20_000; // within 80 % of 30 s since the last use
    await importer.run(request(config, 2, "amy", [drop1("amy", "b.tif")]), run());
    now += 25_000; // 25 s after the last use: past 24 s
    await importer.run(request(config, 3, "amy", [drop1("amy", "c.tif")]), run());
    expect(readJsonLines<Call>(logFile).map((c) => c.cmd)).toEqual([
      "login",
      "key",
      "import",
      "import",
      "login",
      "key",
      "import",
    ]);
  });

  it("records the ids of legacy output, Fileset included", async () => {
    const { config, importer } = setup({ FAKE_OMERO_IMAGES: "2" });
    const cfg = { ...config, watches: [{ ...config.watches[0]!, importArgs: "--output=legacy" }] };
    const out = await importer.run(request(cfg, 1, "amy", [drop1("amy", "a.tif")]), run());
    expect(out.target).toBe("Fileset:1; Image:1,2");
  });

  it("a missing entry fails permanently without running the CLI", async () => {
    const { config, importer } = setup();
    const gone = path.join(drop, "amy", "gone.tif");
    const out = await importer.run(request(config, 1, "amy", [gone]), run());
    expect(out).toMatchObject({ ok: false, retryable: false, error: `source file vanished: ${gone}` });
    expect(readJsonLines<Call>(logFile)).toEqual([]);
  });

  it("kills the CLI and its child (SIGTERM ignored -> SIGKILL) at the timeout", async () => {
    const { config, importer } = setup({ FAKE_OMERO_SLEEP: "60", FAKE_OMERO_IGNORE_TERM: "1" });
    const started = Date.now();
    const out = await importer.run(request(config, 1, "amy", [drop1("amy", "slow.tif")]), run(2000));
    const took = Date.now() - started;
    expect(out).toEqual({ ok: false, retryable: true, target: null, images: null, error: "timed out after 2 s" });
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(8000);
    const sleeping = readJsonLines<Call>(logFile).find((c) => c.cmd === "import-sleeping")!;
    // killed processes may take a moment to be reaped: wait for it, with a deadline
    await waitFor(() => !isAlive(sleeping.pid) && !isAlive(sleeping.childPid!), "the CLI and its child to be gone", {
      timeoutMs: 3000,
    });
  });

  it("an abort kills the CLI at once", async () => {
    const { config, importer } = setup({ FAKE_OMERO_SLEEP: "60" });
    const ac = new AbortController();
    const p = importer.run(request(config, 1, "amy", [drop1("amy", "slow.tif")]), {
      signal: ac.signal,
      timeoutMs: 60_000,
    });
    await waitFor(() => readJsonLines<Call>(logFile).some((c) => c.cmd === "import-sleeping"), "import to start");
    ac.abort();
    const out = await p;
    expect(out).toMatchObject({ ok: false, retryable: true, error: "omero import aborted (DropBox stopping)" });
    const sleeping = readJsonLines<Call>(logFile).find((c) => c.cmd === "import-sleeping")!;
    await waitFor(() => !isAlive(sleeping.pid) && !isAlive(sleeping.childPid!), "the CLI and its child to be gone", {
      timeoutMs: 3000,
    });
  });

  it("recover: a recorded target is done; otherwise redo with --exclude=clientpath", async () => {
    const { config, importer } = setup();
    const req = request(config, 8, "amy", [drop1("amy", "r.tif")]);
    expect(await importer.recover(req, "Image:4")).toEqual({
      state: "done",
      outcome: { ok: true, retryable: false, target: "Image:4", images: null, error: null },
    });
    expect(await importer.recover(req, null)).toEqual({ state: "redo" });
    await importer.run(req, run());
    await importer.run(req, run());
    const imports = readJsonLines<Call>(logFile).filter((c) => c.cmd === "import");
    expect(imports[0]!.argv.slice(9, 12)).toEqual(["--", "--agent=dropbox", "--exclude=clientpath"]);
    expect(imports[1]!.argv.slice(9, 12)).toEqual(["--", "--agent=dropbox", "-T"]);
  });

  it("createImporter rejects an unsplittable importArgs and a missing password source", () => {
    const { log } = memoryLog();
    const bad = configFor(home, { importer: "omero", omeroPasswordFile: pwFile }, { importArgs: `-T "regex:` });
    expect(() => createImporter(bad, { log, env: {} })).toThrow(ImporterConfigError);
    expect(() => createImporter(bad, { log, env: {} })).toThrow(
      /^omero\.fs\.importArgs \(watch 1\): unbalanced double quote/,
    );
    const nopw = configFor(home, { importer: "omero", omeroPasswordFile: "" });
    expect(() => createImporter(nopw, { log, env: {} })).toThrow(
      /omero\.fs\.omeroPasswordFile .* OMERO_FS_OMERO_PASSWORD/,
    );
  });
});

describe("omero importer: outages, transfer modes, import -f", () => {
  let t: ReturnType<typeof tempDir>;
  let drop: string;
  let pwFile: string;
  let fake: FakeOmero;

  beforeEach(() => {
    t = tempDir("omero-fs-omero2-");
    drop = path.join(t.dir, "data", "DropBox");
    fs.mkdirSync(path.join(drop, "amy"), { recursive: true });
    pwFile = path.join(t.dir, "pw");
    fs.writeFileSync(pwFile, "secret\n", { mode: 0o600 });
    fake = fakeOmero(t.dir, { FAKE_OMERO_ADMIN_PASSWORD: "secret" });
  });
  afterEach(() => t.cleanup());

  function setup(watch: Record<string, unknown> = {}, env: Record<string, string> = {}) {
    const config = configFor(
      t.dir,
      { importer: "omero", omeroBin: FAKE_OMERO, omeroServer: "omero.test", omeroPasswordFile: pwFile },
      { importArgs: "", watchDir: drop, ...watch },
    );
    const { log, lines } = memoryLog();
    const importer = createImporter(config, {
      log,
      env: { PATH: process.env.PATH!, ...fake.env, ...env },
      killGraceMs: 500,
    });
    return { config, importer, lines };
  }
  const file = (name: string, content = "px") => {
    const p = path.join(drop, "amy", name);
    fs.writeFileSync(p, content);
    return p;
  };

  it("an OMERO that refuses connections is an outage at login and at import; the probe says when it is back", async () => {
    const { config, importer } = setup();
    const a = file("a.tif");
    fake.down(null);
    const atLogin = await importer.run(request(config, 1, "amy", [a]), run());
    expect(atLogin).toMatchObject({
      ok: false,
      serverProblem: { kind: "unreachable", reason: "Ice.ConnectionRefusedException: omero.test:4064 isn't running" },
    });
    expect(await importer.probe!()).toEqual({
      kind: "unreachable",
      reason: "Ice.ConnectionRefusedException: omero.test:4064 isn't running",
    });
    fake.up();
    expect(await importer.probe!()).toBeNull();
    // A second probe reuses the admin's stored session instead of creating one.
    expect(await importer.probe!()).toBeNull();
    expect(
      fake.calls().filter((c) => c.cmd === "login" && c.argv.includes("root") && !c.argv.includes("--sudo")),
    ).toHaveLength(3);
    expect(fs.readFileSync(path.join(fake.state, "sessions.log"), "utf8").trim().split("\n")).toHaveLength(1);
    expect(await importer.run(request(config, 1, "amy", [a]), run())).toMatchObject({ ok: true, target: "Image:1" });
    // Down again after amy logged in: her key cannot be joined, the re-login is refused: an outage.
    fake.down(null);
    const atImport = await importer.run(request(config, 2, "amy", [file("b.tif")]), run());
    expect(atImport.serverProblem).toEqual({
      kind: "unreachable",
      reason: "Ice.ConnectionRefusedException: omero.test:4064 isn't running",
    });
  });

  it("a whole-server error while importing pauses; a reader error and an unreadable file are the fileset's", async () => {
    const { config, importer } = setup({}, { FAKE_OMERO_FAIL_TIMES: "1" });
    const a = file("a.tif");
    const reader = await importer.run(request(config, 1, "amy", [a]), run());
    expect(reader).toMatchObject({ ok: false, retryable: true });
    expect(reader.serverProblem).toBeUndefined();
    fs.chmodSync(a, 0o000);
    const unreadable = await importer.run(request(config, 1, "amy", [a]), run());
    fs.chmodSync(a, 0o644);
    if (process.getuid?.() !== 0)
      expect(unreadable).toMatchObject({ ok: false, retryable: false, error: `source file not readable: ${a}` });
    fake.serverError("Server not fully initialized");
    expect((await importer.run(request(config, 2, "amy", [file("c.tif")]), run())).serverProblem).toMatchObject({
      kind: "server-error",
    });
  });

  it("omero.fs.transfer=ln_s adds --transfer=ln_s; the server links the file; a server that cannot read it refuses", async () => {
    const repo = path.join(t.dir, "ManagedRepository");
    fs.mkdirSync(repo);
    const { config, importer } = setup({ transfer: "ln_s" }, { FAKE_OMERO_MANAGED_REPO: repo });
    const a = file("a.tif");
    expect(await importer.run(request(config, 1, "amy", [a]), run())).toMatchObject({ ok: true });
    const imp = fake.calls().find((c) => c.cmd === "import")!;
    expect(imp.argv.slice(9)).toEqual(["--", "--agent=dropbox", "--transfer=ln_s", a]);
    const rec = fake.imports()[0]!;
    expect(rec.transfer).toBe("ln_s");
    expect(fs.readlinkSync(rec.repoFiles[0]!)).toBe(a);
    fake.cannotRead(path.join(drop, "amy"));
    const refused = await importer.run(request(config, 2, "amy", [file("b.tif")]), run());
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(refused.error).toMatch(/^in-place import refused: the OMERO server cannot read the linked file/);
  });

  it("omero.fs.transfer and a --transfer in importArgs is a start-up error", () => {
    expect(() => setup({ transfer: "ln_s", importArgs: "--transfer=cp" })).toThrow(
      "omero.fs.importArgs (watch 1) says --transfer cp and omero.fs.transfer says ln_s: keep only omero.fs.transfer",
    );
  });

  it("usedFiles: one import -f for several files, with the watch's import arguments, parsed as OMERO.dropbox does", async () => {
    const a = file("a.dv");
    const log = file("a.dv.log");
    const b = file("b.tif");
    const csv = file("Results.csv");
    const answers = path.join(t.dir, "filesets.json");
    fs.writeFileSync(
      answers,
      JSON.stringify({ [a]: { reader: "loci.formats.in.DeltavisionReader", files: [a, log] }, [csv]: null }),
    );
    const { config, importer } = setup(
      { importArgs: "--debug=ERROR -T Dataset:name:x" },
      { FAKE_OMERO_FILESETS: answers },
    );
    const got = await importer.usedFiles!(config.watches[0]!, [a, b, csv]);
    expect(got).toEqual([
      { group: a, reader: "loci.formats.in.DeltavisionReader", files: [a, log] },
      { group: b, reader: "loci.formats.in.FakeReader", files: [b] },
    ]);
    const calls = fake.calls().filter((c) => c.cmd === "import -f");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.argv[0]).toBe("import");
    expect(calls[0]!.argv.slice(4)).toEqual(["--", "--debug=ERROR", "-T", "Dataset:name:x", a, b, csv]);
  });
});
