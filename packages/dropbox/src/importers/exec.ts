/**
 * The `exec` importer: any command template (omero.fs.execCommand), split like a shell once,
 * placeholders substituted per word (argv.ts), run without a shell. Exit 0 = imported; the last
 * non-empty stdout line is the target.
 *
 * The command runs under a small /bin/sh runner (EXEC_RUNNER) that writes its output and exit status
 * to files per fileset under `<home>/var/exec-runs/`: a DropBox killed with -9 during the import
 * reads the outcome there when it starts again, so a finished import is never run a second time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Logger, tailLines } from "@omero-fs/config";
import { expandExecTemplate, formatArgv, lastErrorLine, lastNonEmptyLine } from "./argv";
import { failed, succeeded } from "./outcome";
import { describeEnd, runProcess } from "./run-process";
import type { Importer, ImportOutcome, ImportRequest, RecoverResult, RunOptions } from "./types";

/**
 * argv: RECORD COMMAND [ARGS...], the command's words as arguments (never parsed by the shell). It
 * starts the command only once the DropBox has written a line on its stdin, which it does after
 * recording the run's process group: a DropBox that dies in between closes stdin, and nothing
 * runs. The group's SIGTERM (timeout, cancel, stop) ends the command; the runner outlives it
 * (`trap :`, which children do not inherit) to write the exit status. A shell, not node: a node
 * per import cost ~50 ms of CPU, which the scheduler's throughput bench (exec `true`) showed.
 */
export const EXEC_RUNNER = `trap : TERM INT
read _go || exit 0
rec=$1
shift
"$@" </dev/null >"$rec.out" 2>"$rec.err"
s=$?
printf '%s\\n' "$s" >"$rec.status"
exit "$s"`;
/** The output lines logged and kept for the outcome. */
const KEEP_LINES = 200;
/** The end of an output file that is read (a command may print a great deal). */
const TAIL_BYTES = 64 * 1024;

export interface ExecImporterOptions {
  /** The split template (parseExecTemplate). */
  template: string[];
  env: NodeJS.ProcessEnv;
  log: Logger;
  killGraceMs: number;
  /** Where each run's files are written (created 0700 when missing: the owner's only, whatever the umask). */
  runsDir: string;
}

/** How a run ended, from its files: null while (or when) the runner has not written a status. */
interface RunRecord {
  command: string;
  status: number;
  stdout: string[];
  stderr: string[];
}

export class ExecImporter implements Importer {
  readonly kind = "exec" as const;
  constructor(private readonly o: ExecImporterOptions) {}

  /** The files of fileset `id`'s run: `<id>.json` (whose run), `.out`, `.err`, `.status`. */
  private base(filesetId: number): string {
    return path.join(this.o.runsDir, String(filesetId));
  }

  private remove(filesetId: number): void {
    const b = this.base(filesetId);
    for (const ext of [".json", ".out", ".err", ".status"]) fs.rmSync(b + ext, { force: true });
  }

  /** The outcome of this fileset's last run, if it ended and is this fileset's (a ledger made anew reuses ids). */
  private readRecord(req: ImportRequest): RunRecord | null {
    const b = this.base(req.filesetId);
    let head: { fileset: number; entry: string; command: string };
    let status: number;
    try {
      head = JSON.parse(fs.readFileSync(`${b}.json`, "utf8"));
      status = Number.parseInt(fs.readFileSync(`${b}.status`, "utf8"), 10);
    } catch {
      return null;
    }
    if (head.fileset !== req.filesetId || head.entry !== req.entry || !Number.isInteger(status)) return null;
    return {
      command: head.command,
      status,
      stdout: tailLines(`${b}.out`, KEEP_LINES, TAIL_BYTES),
      stderr: tailLines(`${b}.err`, KEEP_LINES, TAIL_BYTES),
    };
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
    const [cmd, ...args] = argv;
    const b = this.base(req.filesetId);
    try {
      fs.mkdirSync(this.o.runsDir, { recursive: true, mode: 0o700 });
      this.remove(req.filesetId);
      const head = { fileset: req.filesetId, entry: req.entry, command: cmd };
      fs.writeFileSync(`${b}.json`, `${JSON.stringify(head)}\n`, { mode: 0o600 });
    } catch (e) {
      const o = failed(`cannot prepare ${this.o.runsDir}: ${e instanceof Error ? e.message : String(e)}`, true);
      this.o.log.warn(`${tag} exec import failed: ${o.error}`);
      return o;
    }
    this.o.log.info(`${tag} running ${formatArgv(argv)} (output: ${b}.out, ${b}.err)`);
    const r = await runProcess("/bin/sh", ["-c", EXEC_RUNNER, "omero-fs-exec", b, cmd!, ...args], {
      env: this.o.env,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      killGraceMs: this.o.killGraceMs,
      onSpawn: opts.onSpawn,
      goLine: true,
    });
    const rec = this.readRecord(req);
    if (rec) {
      for (const l of rec.stdout) this.o.log.info(`${tag} stdout: ${l}`);
      for (const l of rec.stderr) this.o.log.info(`${tag} stderr: ${l}`);
    }
    let outcome: ImportOutcome;
    if (rec && rec.status === 0) outcome = outcomeOf(rec);
    else if (r.timedOut || r.aborted || r.spawnError || !rec) {
      // The DropBox ended it (or the runner could not run): its own account, not the record's; a
      // stop leaves the fileset `importing`, and recovery must not read a failure into it.
      this.remove(req.filesetId);
      outcome = failed(describeEnd("exec command", r, opts.timeoutMs, lastErrorLine(rec?.stderr ?? r.stderr)), true);
    } else outcome = outcomeOf(rec);
    if (outcome.ok) this.o.log.info(`${tag} exec import completed: ${outcome.target ?? "(no target printed)"}`);
    else this.o.log.warn(`${tag} exec import failed: ${outcome.error}`);
    return outcome;
  }

  async recover(req: ImportRequest, lastTarget: string | null): Promise<RecoverResult> {
    if (lastTarget) return { state: "done", outcome: succeeded(lastTarget) };
    // The run ended while the DropBox was not there to hear it: its files say how.
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
      this.remove(filesetId);
    } catch (e) {
      this.o.log.warn(
        `[fileset ${filesetId}] could not remove its exec run files (${e instanceof Error ? e.message : String(e)})`,
      );
    }
  }
}

/** What a run's exit status means: 0 imported (target: the last stdout line); else why not. */
function outcomeOf(rec: RunRecord): ImportOutcome {
  if (rec.status === 0) return succeeded(lastNonEmptyLine(rec.stdout));
  // The shell's own codes: the command was not found (127) or could not be executed (126).
  if (rec.status === 127 || rec.status === 126) {
    const code = rec.status === 127 ? "ENOENT" : "EACCES";
    return failed(`exec command cannot run: ${rec.command} (${code}; check omero.fs.execCommand)`, false);
  }
  const how = rec.status > 128 ? `exited ${rec.status} (signal ${rec.status - 128})` : `exited ${rec.status}`;
  const reason = lastErrorLine(rec.stderr);
  return failed(reason ? `exec command ${how}: ${reason}` : `exec command ${how}`, true);
}
