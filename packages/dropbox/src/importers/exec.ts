/**
 * The `exec` importer: any command template (omero.fs.execCommand), split like a shell once,
 * placeholders substituted per word (argv.ts), run without a shell. Exit 0 = imported; the last
 * non-empty stdout line is the target.
 *
 * The command runs under runner/exec-runner.cjs, which writes how it ended to a record file per
 * fileset (`<home>/var/exec-runs/<fileset>.json`): a DropBox killed with -9 during the import
 * reads the outcome there when it starts again, so a finished import is never run a second time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger } from "@omero-fs/config";
import { expandExecTemplate, formatArgv, lastErrorLine, lastNonEmptyLine } from "./argv";
import { failed, succeeded } from "./outcome";
import { describeEnd, runProcess } from "./run-process";
import type { Importer, ImportOutcome, ImportRequest, RecoverResult, RunOptions } from "./types";

/** The runner beside src/ and dist/ alike (both one level under the package). */
const RUNNER = path.join(__dirname, "..", "..", "runner", "exec-runner.cjs");

export interface ExecImporterOptions {
  /** The split template (parseExecTemplate). */
  template: string[];
  env: NodeJS.ProcessEnv;
  log: Logger;
  killGraceMs: number;
  /** Where each run's record is written (created 0700 when missing). */
  runsDir: string;
}

/** What the runner wrote when the command ended. */
interface RunRecord {
  fileset: number;
  entry: string;
  command: string;
  exitCode: number | null;
  signal: string | null;
  spawnError: { code: string; message: string } | null;
  stdout: string[];
  stderr: string[];
}

export class ExecImporter implements Importer {
  readonly kind = "exec" as const;
  constructor(private readonly o: ExecImporterOptions) {}

  private recordPath(filesetId: number): string {
    return path.join(this.o.runsDir, `${filesetId}.json`);
  }

  /** The record of this fileset's last run, if it is this fileset's (a ledger made anew reuses ids). */
  private readRecord(req: ImportRequest): RunRecord | null {
    let rec: RunRecord;
    try {
      rec = JSON.parse(fs.readFileSync(this.recordPath(req.filesetId), "utf8")) as RunRecord;
    } catch {
      return null;
    }
    return rec.fileset === req.filesetId && rec.entry === req.entry ? rec : null;
  }

  async run(req: ImportRequest, opts: RunOptions): Promise<ImportOutcome> {
    const tag = `[fileset ${req.filesetId}]`;
    const files = [...new Set([req.entry, ...req.files])];
    for (const f of files) {
      try {
        await fs.promises.stat(f);
      } catch {
        const o = failed(`source file vanished: ${f}`, false);
        this.o.log.warn(`${tag} exec import failed: ${o.error}`);
        return o;
      }
    }
    const argv = expandExecTemplate(this.o.template, {
      entry: req.entry,
      user: req.user,
      files: req.files,
      fileset: req.filesetId,
      watch: req.watch.index,
      watchDir: req.watch.watchDir,
    });
    const record = this.recordPath(req.filesetId);
    try {
      fs.mkdirSync(this.o.runsDir, { recursive: true, mode: 0o700 });
      fs.rmSync(record, { force: true });
    } catch (e) {
      const o = failed(`cannot prepare ${this.o.runsDir}: ${e instanceof Error ? e.message : String(e)}`, true);
      this.o.log.warn(`${tag} exec import failed: ${o.error}`);
      return o;
    }
    const [cmd, ...args] = argv;
    this.o.log.info(`${tag} running ${formatArgv(argv)}`);
    const header = JSON.stringify({ record, fileset: req.filesetId, entry: req.entry });
    const r = await runProcess(process.execPath, [RUNNER, header, cmd!, ...args], {
      env: this.o.env,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      killGraceMs: this.o.killGraceMs,
      onSpawn: opts.onSpawn,
      goLine: true,
      onLine: (stream, line) => this.o.log.info(`${tag} ${stream}: ${line}`),
    });
    const rec = this.readRecord(req);
    let outcome: ImportOutcome;
    if (rec && outcomeOf(rec).ok) outcome = outcomeOf(rec);
    else if (r.timedOut || r.aborted || r.spawnError || !rec) {
      // The DropBox ended it (or the runner could not run): its own account, not the record's; a
      // stop leaves the fileset `importing`, and recovery must not read a failure into it.
      fs.rmSync(record, { force: true });
      outcome = failed(describeEnd("exec command", r, opts.timeoutMs, lastErrorLine(r.stderr)), true);
    } else outcome = outcomeOf(rec);
    if (outcome.ok) this.o.log.info(`${tag} exec import completed: ${outcome.target ?? "(no target printed)"}`);
    else this.o.log.warn(`${tag} exec import failed: ${outcome.error}`);
    return outcome;
  }

  async recover(req: ImportRequest, lastTarget: string | null): Promise<RecoverResult> {
    if (lastTarget) return { state: "done", outcome: succeeded(lastTarget) };
    // The run ended while the DropBox was not there to hear it: its record says how.
    const rec = this.readRecord(req);
    if (!rec) return { state: "redo" };
    const outcome = outcomeOf(rec);
    this.o.log.info(
      `[fileset ${req.filesetId}] its exec import ended while the DropBox was not running: ${outcome.ok ? `imported (${outcome.target ?? "no target printed"})` : outcome.error}`,
    );
    return { state: "done", outcome };
  }

  forget(filesetId: number): void {
    try {
      fs.rmSync(this.recordPath(filesetId), { force: true });
    } catch (e) {
      this.o.log.warn(
        `[fileset ${filesetId}] could not remove its exec run record (${e instanceof Error ? e.message : String(e)})`,
      );
    }
  }
}

/** What a run record means: exit 0 imported (target: the last stdout line); else why not. */
function outcomeOf(rec: RunRecord): ImportOutcome {
  if (rec.spawnError) {
    const code = rec.spawnError.code;
    if (code === "ENOENT" || code === "EACCES")
      return failed(`exec command cannot run: ${rec.command} (${code}; check omero.fs.execCommand)`, false);
    return failed(`exec command could not start: ${rec.spawnError.message}`, true);
  }
  if (rec.exitCode === 0) return succeeded(lastNonEmptyLine(rec.stdout));
  const how = rec.exitCode !== null ? `exited ${rec.exitCode}` : `killed by ${rec.signal}`;
  const reason = lastErrorLine(rec.stderr);
  return failed(reason ? `exec command ${how}: ${reason}` : `exec command ${how}`, true);
}
