import * as fs from "node:fs";
import * as path from "node:path";
import { createImporter, ImporterConfigError } from "../../packages/dropbox/src/importers";
import { spawnSync } from "node:child_process";
import { EXEC_RUNNER } from "../../packages/dropbox/src/importers/exec";
import { tempDir, waitFor } from "../helpers/wait";
import { configFor, HOSTILE_NAMES, isAlive, memoryLog, RECORD_ARGS, readJsonLines, request } from "./helpers";

const run = (timeoutMs = 60_000) => ({ signal: new AbortController().signal, timeoutMs });

describe("exec importer", () => {
  let t: ReturnType<typeof tempDir>;
  let drop: string;
  let argsLog: string;
  beforeEach(() => {
    t = tempDir("omero-fs-exec-");
    drop = path.join(t.dir, "data", "DropBox");
    fs.mkdirSync(path.join(drop, "amy"), { recursive: true });
    argsLog = path.join(t.dir, "args.jsonl");
  });
  afterEach(() => t.cleanup());

  function setup(execCommand: string, extraEnv: Record<string, string> = {}) {
    const config = configFor(t.dir, { importer: "exec", execCommand }, { watchDir: drop, index: 3 });
    const { log, lines } = memoryLog();
    const importer = createImporter(config, {
      log,
      env: { PATH: process.env.PATH, RECORD_ARGS_LOG: argsLog, ...extraEnv },
      killGraceMs: 300,
    });
    return { config, importer, lines };
  }

  it("passes hostile names as single arguments, never through a shell", async () => {
    const { config, importer, lines } = setup(
      `${RECORD_ARGS} --user={user} "fileset {fileset}" --watch {watch} {entry} -- {files}`,
    );
    expect(importer.kind).toBe("exec");
    const files = HOSTILE_NAMES.map((n) => {
      const p = path.join(drop, "amy", n);
      fs.writeFileSync(p, "x");
      return p;
    });
    const out = await importer.run(request(config, 42, "amy", files, files[1]), run());
    expect(out).toEqual({ ok: true, retryable: false, target: "target-for---user=amy", images: null, error: null });
    expect(readJsonLines<{ argv: string[] }>(argsLog).map((r) => r.argv)).toEqual([
      ["--user=amy", "fileset 42", "--watch", "3", files[1], "--", ...files],
    ]);
    expect(fs.existsSync(path.join(drop, "amy", "pwned"))).toBe(false);
    expect(fs.readdirSync(t.dir).includes("pwned")).toBe(false);
    expect(lines).toContain("info [fileset 42] stdout: importing 11 argument(s)");
  });

  it("a non-zero exit is a retryable failure with the last stderr line", async () => {
    const { config, importer } = setup(`${RECORD_ARGS} {entry}`, { RECORD_ARGS_EXIT: "3" });
    const f = path.join(drop, "amy", "a.tif");
    fs.writeFileSync(f, "x");
    expect(await importer.run(request(config, 1, "amy", [f]), run())).toEqual({
      ok: false,
      retryable: true,
      target: null,
      images: null,
      error: "exec command exited 3: record-args: failing with 3 as asked",
    });
  });

  it("a command that does not exist fails permanently naming the setting", async () => {
    const { config, importer } = setup(`${path.join(t.dir, "no-such-cmd")} {entry}`);
    const f = path.join(drop, "amy", "a.tif");
    fs.writeFileSync(f, "x");
    const out = await importer.run(request(config, 1, "amy", [f]), run());
    expect(out.retryable).toBe(false);
    expect(out.error).toBe(
      `exec command cannot run: ${path.join(t.dir, "no-such-cmd")} (ENOENT; check omero.fs.execCommand)`,
    );
  });

  it("kills a command at the timeout", async () => {
    const { config, importer } = setup(`${RECORD_ARGS} {entry}`, { RECORD_ARGS_SLEEP: "60" });
    const f = path.join(drop, "amy", "a.tif");
    fs.writeFileSync(f, "x");
    const out = await importer.run(request(config, 1, "amy", [f]), run(1000));
    expect(out).toMatchObject({ ok: false, retryable: true, error: "timed out after 1 s" });
    const [rec] = readJsonLines<{ pid: number }>(argsLog);
    expect(isAlive(rec!.pid)).toBe(false);
  });

  describe("how a run ended is recorded, so a DropBox killed during it does not run it again", () => {
    const runsDir = () => path.join(t.dir, "var", "exec-runs");

    it("a restarted DropBox learns the outcome of a run that ended without it: imported, never run again", async () => {
      const { config, importer } = setup(`${RECORD_ARGS} {entry}`);
      const f = path.join(drop, "amy", "a.tif");
      fs.writeFileSync(f, "x");
      const req = request(config, 7, "amy", [f]);
      await importer.run(req, run());
      // A new importer, as after a restart; the ledger never recorded the target.
      const again = setup(`${RECORD_ARGS} {entry}`).importer;
      expect(await again.recover(req, null)).toEqual({
        state: "done",
        outcome: { ok: true, retryable: false, target: `target-for-${f}`, images: null, error: null },
      });
      expect(readJsonLines(argsLog)).toHaveLength(1);
      expect((fs.statSync(runsDir()).mode & 0o777).toString(8)).toBe("700");
      expect(fs.readdirSync(runsDir()).sort()).toEqual(["7.err", "7.json", "7.out", "7.status"]);
      expect(fs.readFileSync(path.join(runsDir(), "7.out"), "utf8")).toBe(
        `importing 1 argument(s)\ntarget-for-${f}\n\n`,
      );
      // Once the ledger has it, the record goes and nothing is left to recover from.
      again.forget!(7);
      expect(fs.readdirSync(runsDir())).toEqual([]);
      expect(await again.recover(req, null)).toEqual({ state: "redo" });
    });

    it("a failed run is recovered as the failure it was (retried as any failure)", async () => {
      const { config, importer } = setup(`${RECORD_ARGS} {entry}`, { RECORD_ARGS_EXIT: "4" });
      const f = path.join(drop, "amy", "a.tif");
      fs.writeFileSync(f, "x");
      const req = request(config, 8, "amy", [f]);
      await importer.run(req, run());
      expect(await importer.recover(req, null)).toEqual({
        state: "done",
        outcome: {
          ok: false,
          retryable: true,
          target: null,
          images: null,
          error: "exec command exited 4: record-args: failing with 4 as asked",
        },
      });
    });

    it("a record of another fileset under the same id (a ledger made anew) is not taken: redo", async () => {
      const { config, importer } = setup(`${RECORD_ARGS} {entry}`);
      const a = path.join(drop, "amy", "a.tif");
      const b = path.join(drop, "amy", "b.tif");
      fs.writeFileSync(a, "x");
      fs.writeFileSync(b, "x");
      await importer.run(request(config, 9, "amy", [a]), run());
      expect(await importer.recover(request(config, 9, "amy", [b]), null)).toEqual({ state: "redo" });
    });

    it("a run the DropBox ends itself (a stop) leaves no record: redo, not a failure", async () => {
      const { config, importer } = setup(`${RECORD_ARGS} {entry}`, { RECORD_ARGS_SLEEP: "60" });
      const f = path.join(drop, "amy", "a.tif");
      fs.writeFileSync(f, "x");
      const ctrl = new AbortController();
      const req = request(config, 10, "amy", [f]);
      const running = importer.run(req, { signal: ctrl.signal, timeoutMs: 60_000 });
      await waitFor(() => readJsonLines(argsLog).length === 1 || null, "the command started");
      ctrl.abort();
      expect(await running).toMatchObject({ ok: false, error: "exec command aborted (DropBox stopping)" });
      expect(await importer.recover(req, null)).toEqual({ state: "redo" });
    });

    it("the runner starts nothing when the DropBox is gone before it said go", () => {
      const f = path.join(drop, "amy", "a.tif");
      const rec = path.join(t.dir, "never");
      // stdin at its end at once: the DropBox died between starting the runner and recording it.
      const r = spawnSync("/bin/sh", ["-c", EXEC_RUNNER, "omero-fs-exec", rec, RECORD_ARGS, f], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { RECORD_ARGS_LOG: argsLog },
      });
      expect(r.status).toBe(0);
      expect(fs.existsSync(argsLog)).toBe(false);
      expect(fs.existsSync(`${rec}.status`)).toBe(false);
      // With the go line, the same runner runs it and writes its status.
      const go = spawnSync("/bin/sh", ["-c", EXEC_RUNNER, "omero-fs-exec", rec, RECORD_ARGS, f], {
        input: "go\n",
        env: { RECORD_ARGS_LOG: argsLog, PATH: process.env.PATH },
      });
      expect(go.status).toBe(0);
      expect(readJsonLines(argsLog)).toHaveLength(1);
      expect(fs.readFileSync(`${rec}.status`, "utf8")).toBe("0\n");
    });
  });

  it("createImporter refuses an empty command", () => {
    const config = configFor(t.dir, { importer: "exec", execCommand: "" });
    expect(() => createImporter(config, { log: memoryLog().log, env: {} })).toThrow(ImporterConfigError);
    expect(() => createImporter(config, { log: memoryLog().log, env: {} })).toThrow(/omero\.fs\.execCommand is empty/);
  });
});
