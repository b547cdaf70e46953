import * as fs from "node:fs";
import * as path from "node:path";
import { formatLine, HOME_MODES } from "@omero-fs/config";

/** Splits a byte stream into lines; the last partial line waits for its end. */
export class LineSplitter {
  private rest = "";
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split(/\r?\n/);
    this.rest = lines.pop() ?? "";
    return lines.filter((l) => l.length > 0);
  }
  /** What is left when the stream ends. */
  flush(): string[] {
    const r = this.rest;
    this.rest = "";
    return r ? [r] : [];
  }
}

/**
 * Appends a server's stdout/stderr to its own log file (var/log/<Server>.log), so crash traces
 * end up beside its log lines. Lines the server already logged itself (its winston console copy:
 * "<ISO time> LEVEL [<Server>] ...") are not written twice. The server's own winston transport
 * owns rotation; this sink rotates (same names as winston's tailable rotation: X.log -> X1.log ...)
 * only when the file has grown well past the limit, i.e. when nobody else is rotating it (a server
 * crash-looping before its logger starts).
 */
export class ServerLogSink {
  readonly file: string;
  private readonly ownLine: RegExp;

  constructor(
    logDir: string,
    readonly component: string,
    private readonly maxSize: number,
    private readonly maxFiles: number,
  ) {
    this.file = path.join(logDir, `${component}.log`);
    this.ownLine = new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+ +[A-Z]+ +\\[${component}\\] `);
  }

  /** Whether a line is one of the server's own log lines (already in the file). */
  isOwnLine(line: string): boolean {
    return this.ownLine.test(line);
  }

  /** Append output lines (stream = "stdout" | "stderr"), one formatted log line each. */
  append(lines: string[], stream: "stdout" | "stderr"): void {
    const out = lines.filter((l) => !this.isOwnLine(l));
    if (out.length === 0) return;
    const now = new Date().toISOString();
    const level = stream === "stderr" ? "error" : "info";
    const text = out.map((l) => `${formatLine(now, level, this.component, `(${stream}) ${l}`)}\n`).join("");
    try {
      this.rotateIfRunaway();
      fs.appendFileSync(this.file, text, { mode: HOME_MODES.log });
    } catch {
      // The log directory vanished or is full: nothing sensible to do from here; the node's own
      // log reports the exit, and the last lines are kept in memory for status.
    }
  }

  private rotateIfRunaway(): void {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      return;
    }
    if (size < 2 * this.maxSize) return;
    const ext = path.extname(this.file);
    const base = this.file.slice(0, -ext.length);
    for (let i = this.maxFiles - 1; i > 1; i--) {
      if (fs.existsSync(`${base}${i - 1}${ext}`)) fs.renameSync(`${base}${i - 1}${ext}`, `${base}${i}${ext}`);
    }
    fs.renameSync(this.file, `${base}1${ext}`);
  }
}
