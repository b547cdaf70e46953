/**
 * The `exec` importer: any command template (omero.fs.execCommand), split like a shell once,
 * placeholders substituted per word (argv.ts), run without a shell. Exit 0 = imported; the last
 * non-empty stdout line is the target.
 */
import * as fs from "node:fs";
import type { Logger } from "@omero-fs/config";
import { expandExecTemplate, formatArgv, lastErrorLine, lastNonEmptyLine } from "./argv";
import { failed, succeeded } from "./outcome";
import { describeEnd, runProcess } from "./run-process";
import type { Importer, ImportOutcome, ImportRequest, RecoverResult, RunOptions } from "./types";

export interface ExecImporterOptions {
  /** The split template (parseExecTemplate). */
  template: string[];
  env: NodeJS.ProcessEnv;
  log: Logger;
  killGraceMs: number;
}

export class ExecImporter implements Importer {
  readonly kind = "exec" as const;
  constructor(private readonly o: ExecImporterOptions) {}

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
    this.o.log.info(`${tag} running ${formatArgv(argv)}`);
    const r = await runProcess(cmd!, args, {
      env: this.o.env,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      killGraceMs: this.o.killGraceMs,
      onSpawn: opts.onSpawn,
      onLine: (stream, line) => this.o.log.info(`${tag} ${stream}: ${line}`),
    });
    let outcome: ImportOutcome;
    if (!r.timedOut && !r.aborted && !r.spawnError && r.exitCode === 0) outcome = succeeded(lastNonEmptyLine(r.stdout));
    else if (r.spawnError?.code === "ENOENT" || r.spawnError?.code === "EACCES")
      outcome = failed(`exec command cannot run: ${cmd} (${r.spawnError.code}; check omero.fs.execCommand)`, false);
    else outcome = failed(describeEnd("exec command", r, opts.timeoutMs, lastErrorLine(r.stderr)), true);
    if (outcome.ok) this.o.log.info(`${tag} exec import completed: ${outcome.target ?? "(no target printed)"}`);
    else this.o.log.warn(`${tag} exec import failed: ${outcome.error}`);
    return outcome;
  }

  async recover(_req: ImportRequest, lastTarget: string | null): Promise<RecoverResult> {
    // Nothing to check for an arbitrary command: a recorded target means it finished.
    if (lastTarget) return { state: "done", outcome: succeeded(lastTarget) };
    return { state: "redo" };
  }
}
