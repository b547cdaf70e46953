import * as fs from "node:fs";
import * as path from "node:path";
import { createImporter, ImporterConfigError } from "../../packages/dropbox/src/importers";
import { tempDir } from "../helpers/wait";
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

  it("createImporter refuses an empty command", () => {
    const config = configFor(t.dir, { importer: "exec", execCommand: "" });
    expect(() => createImporter(config, { log: memoryLog().log, env: {} })).toThrow(ImporterConfigError);
    expect(() => createImporter(config, { log: memoryLog().log, env: {} })).toThrow(/omero\.fs\.execCommand is empty/);
  });
});
