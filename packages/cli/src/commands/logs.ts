import * as fs from "node:fs";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError, UsageError } from "../errors";
import { escapeName } from "../format";
import { nodeFiles } from "../node/records";
import { tailLines } from "@omero-fs/config";
import { logLineJson } from "../core/log-line";

const COMPONENTS = ["Node", "MonitorServer", "DropBox"] as const;
type Component = (typeof COMPONENTS)[number];

function componentOf(raw: string): Component {
  const c = COMPONENTS.find((n) => n.toLowerCase() === raw.toLowerCase());
  if (!c) throw new UsageError(`unknown log "${raw}"; valid names: ${COMPONENTS.join(", ")}`);
  return c;
}

/**
 * `tail -F` on one file: follows the name, so a rotation (the file renamed to X1.log and a new X.log
 * created) or a truncation is noticed; what was written to the old file before the switch is read
 * to its end first, so nothing is skipped.
 */
export class FileFollower {
  private fd: number | null = null;
  private ino = -1;
  private pos = 0;
  private partial = "";

  constructor(
    readonly file: string,
    private readonly emit: (line: string) => void,
    fromEnd: boolean,
  ) {
    this.open(fromEnd);
  }

  private open(atEnd: boolean): void {
    try {
      const fd = fs.openSync(this.file, "r");
      const st = fs.fstatSync(fd);
      this.fd = fd;
      this.ino = st.ino;
      this.pos = atEnd ? st.size : 0;
    } catch {
      this.fd = null;
    }
  }

  private drain(): void {
    if (this.fd === null) return;
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = fs.readSync(this.fd, buf, 0, buf.length, this.pos);
      if (n <= 0) break;
      this.pos += n;
      const text = this.partial + buf.subarray(0, n).toString("utf8");
      const lines = text.split("\n");
      this.partial = lines.pop() ?? "";
      for (const l of lines) this.emit(l);
    }
  }

  /** Read what is new; switch to the new file after a rotation. */
  poll(): void {
    if (this.fd === null) {
      this.open(false);
      this.drain();
      return;
    }
    this.drain();
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(this.file);
    } catch {
      st = null; // between rename and re-create: next poll
    }
    if (!st) return;
    if (st.ino !== this.ino) {
      if (this.partial) this.emit(this.partial);
      this.partial = "";
      fs.closeSync(this.fd);
      this.open(false);
      this.drain();
    } else if (st.size < this.pos) {
      this.pos = 0; // truncated in place
      this.drain();
    }
  }

  /** Where it reads next in the file it has open (null: none yet). */
  get position(): number | null {
    return this.fd === null ? null : this.pos;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/** A line and the log it came from. */
interface Line {
  l: string;
  c: Component;
}

/** Lines start with an ISO time (config's formatLine): merging files by that prefix keeps time order. */
function mergeByTime(perFile: Line[][], n: number): Line[] {
  if (perFile.length === 1) return perFile[0].slice(-n);
  const all = perFile.flat().map((x, i) => ({ x, i }));
  all.sort((a, b) => {
    const ta = a.x.l.slice(0, 24);
    const tb = b.x.l.slice(0, 24);
    return ta < tb ? -1 : ta > tb ? 1 : a.i - b.i;
  });
  return all.slice(-n).map((y) => y.x);
}

interface LogsArgs extends GlobalArgs {
  name?: string;
  follow?: boolean;
  lines: number;
  json?: boolean;
}

export const logsCommand: CommandModule<GlobalArgs, LogsArgs> = {
  command: "logs [name]",
  describe: "Show the last lines of a log (Node, MonitorServer, DropBox; all three merged by default)",
  builder: (y) =>
    y
      .positional("name", { type: "string", describe: COMPONENTS.join(" | ") })
      .option("follow", { alias: "f", type: "boolean", describe: "Keep printing new lines (survives log rotation)" })
      .option("lines", {
        alias: "n",
        type: "number",
        default: 50,
        describe: "How many of the last lines to print first",
      })
      .option("json", {
        type: "boolean",
        describe: "JSON lines: one {time, level, component, message} object per line (also with --follow)",
      }),
  handler: async (a) => {
    const home = homeOf(a);
    const f = nodeFiles(home);
    const names: Component[] = a.name ? [componentOf(a.name)] : [...COMPONENTS];
    const files = names.map((n) => f.logFile(n));
    if (!a.follow && files.every((file) => !fs.existsSync(file))) {
      throw new CliError(`no ${a.name ? `${names[0]} log` : "logs"} in ${f.logDir} yet (nothing has run in ${home})`);
    }
    const n = Math.max(0, a.lines);
    // Our log lines are escaped already (formatLine); a line written by anything else must not
    // reach the terminal with its control characters either. JSON escapes everything itself.
    const show = (x: Line) => (a.json ? JSON.stringify(logLineJson(x.l, x.c)) : escapeName(x.l));
    // Followers open first, at the end; the last lines are read up to where each took over, so a
    // line written meanwhile is printed once, by the follower.
    const followers = a.follow
      ? names.map((c) => new FileFollower(f.logFile(c), (l) => process.stdout.write(`${show({ l, c })}\n`), true))
      : [];
    const first = mergeByTime(
      names.map((c, i) =>
        tailLines(f.logFile(c), n, undefined, followers[i]?.position ?? undefined).map((l) => ({ l, c })),
      ),
      n,
    );
    if (first.length) process.stdout.write(`${first.map(show).join("\n")}\n`);
    if (!a.follow) return;
    // Polling, not fs.watch: it sees renames and re-creations the same way on every file system.
    const timer = setInterval(() => {
      for (const fw of followers) fw.poll();
    }, 200);
    await new Promise<void>((resolve) => {
      const stop = () => {
        clearInterval(timer);
        for (const fw of followers) fw.close();
        resolve();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  },
};
