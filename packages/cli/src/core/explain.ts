/**
 * Words for people who drop files: why an import failed and what to do, why something waits.
 * Pure functions of ledger data and `now` (the status page and the notification e-mails use them).
 */

export interface Explanation {
  /** The reason in plain words. */
  plain: string;
  /** What the person (or the facility) should do. */
  todo: string;
}

const ASK_FACILITY = "Ask the facility staff to look at it; once fixed, they can retry it (omero-fs imports retry).";

/** A failed import's error, said plainly, with what to do. Unknown errors are shown as they are. */
export function explainFailure(error: string | null): Explanation {
  const e = error ?? "";
  const rules: [RegExp, (m: RegExpExecArray) => Explanation][] = [
    [
      /^source file vanished: (.+)$/,
      (m) => ({
        plain: `A file of it was deleted or moved away before the import could read it (${m[1]}).`,
        todo: "Copy the complete data set into your folder again; it is then imported by itself.",
      }),
    ],
    [
      /disappeared before the import started|changed before the import started|changed while it was copied/,
      () => ({
        plain: "Files were still changing while the import started.",
        todo: "Nothing: it is retried by itself once the files stay unchanged. If it keeps failing, finish copying first.",
      }),
    ],
    [
      /^source file not readable: (.+)$/,
      (m) => ({
        plain: `The import was not allowed to read a file (${m[1]}).`,
        todo: "Make the file readable (permissions), then ask the facility to retry it.",
      }),
    ],
    [
      /timed out after (\d+) s/,
      (m) => ({
        plain: `The import took longer than the allowed ${m[1]} seconds and was stopped.`,
        todo: `${ASK_FACILITY} Very large data sets may need a longer omero.fs.importTimeout.`,
      }),
    ],
    [
      /^user (.+) unknown to OMERO$/,
      (m) => ({
        plain: `OMERO has no user named ${m[1]}: the folder name must be your OMERO user name.`,
        todo: "Move the files into the folder named after your OMERO user name, or ask the facility for an account.",
      }),
    ],
    [
      /refused the admin password|omero CLI not found|cannot run:|could not start|password file|in-place import refused|^OMERO (unreachable|login refused|server error): /,
      () => ({
        plain: "The import system is not set up correctly (this is not a problem with your files).",
        todo: ASK_FACILITY,
      }),
    ],
    [
      /^(?:exec command|omero import) exited \d+: (.+)$/,
      (m) => ({
        plain: `The import program could not import it: ${m[1]}`,
        todo: `Check that the files open on your computer and are complete. ${ASK_FACILITY}`,
      }),
    ],
    [
      /^interrupted: /,
      () => ({
        plain: "The import was interrupted because the import system stopped.",
        todo: "Nothing: it is retried by itself.",
      }),
    ],
  ];
  for (const [re, f] of rules) {
    const m = re.exec(e);
    if (m) return f(m);
  }
  return {
    plain: e ? `The import program reported: ${e}` : "The import failed without a message.",
    todo: `Check that the files open on your computer and are complete. ${ASK_FACILITY}`,
  };
}

/** A file waiting outside any fileset ("pending") or refused: why, in plain words. */
export function explainFile(state: string, reason: string | null): string {
  const r = reason ?? "";
  if (state === "pending") {
    const m = /waits for (.+) \(entry (.+)\)$/.exec(r);
    if (m) return `Waiting for the rest of its data set: ${m[1]} (the file that opens it: ${m[2]}).`;
    return `Waiting: ${r.replace(/^incomplete fileset: /, "") || "its data set is not complete yet"}.`;
  }
  if (state === "refused") return `Not imported: ${r || "refused"}. Move it into your own user folder if it is yours.`;
  return r;
}

export interface WaitingFacts {
  state: string;
  fileCount: number;
  /** Last change on any of its files (ms). */
  lastEventMs: number | null;
  /** Seconds of quiet before import (omero.fs.dirImportWait of its watch). */
  quietSeconds: number;
  /** Retry backoff end (ms) for a queued fileset; 0 or null: none. */
  notBeforeMs: number | null;
  attempts: number;
  error: string | null;
  startedAt: string | null;
  /** What the DropBox says it waits for (filesets.waiting_for), when it says. */
  waitingFor?: string | null;
  /** The DropBox's queue is paused for OMERO (an outage): nothing queued starts until it answers. */
  omeroPaused?: boolean;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** What a waiting, queued or importing fileset is waiting for. */
export function describeProgress(f: WaitingFacts, now: number): string {
  const files = `${f.fileCount} file${f.fileCount === 1 ? "" : "s"}`;
  if (f.state === "waiting") {
    const quietFor = f.lastEventMs === null ? null : now - f.lastEventMs;
    if (quietFor !== null && quietFor < f.quietSeconds * 1000) {
      return `${files}, still being written: imported once nothing changed for ${duration(f.quietSeconds * 1000)} (last change ${duration(quietFor)} ago)`;
    }
    // Quiet is not complete: a cut or empty file, a writer, a hold say so in waitingFor.
    const w = f.waitingFor ?? "";
    if (w !== "" && !/^(quiet period|settling|checking that every file is finished)/.test(w))
      return `${files}, not complete yet: ${w}`;
    return `${files}, complete: about to be queued`;
  }
  if (f.state === "queued") {
    if (f.notBeforeMs && f.notBeforeMs > now) {
      return `${files}, attempt ${f.attempts} failed (${explainFailure(f.error).plain}); retried in ${duration(f.notBeforeMs - now)}`;
    }
    return f.omeroPaused
      ? `${files}, in line for import: paused until OMERO answers (not a failure)`
      : `${files}, in line for import`;
  }
  if (f.state === "importing") {
    const since = f.startedAt ? Date.parse(f.startedAt) : Number.NaN;
    return `${files}, importing${Number.isNaN(since) ? "" : ` for ${duration(now - since)}`}${f.attempts > 1 ? ` (attempt ${f.attempts})` : ""}`;
  }
  return files;
}

/** Files waiting for the rest of their data set, grouped by what they wait for. */
export interface PendingGroup {
  /** Paths of the files that are here. */
  present: string[];
  /** What is missing (paths or names), when the reason says; empty when it does not. */
  missing: string[];
  /** The sentence for people: "2 of 3 files are here; waiting for cells.ics ...". */
  text: string;
}

/** What a pending file waits for: the missing files, or null when its reason does not say. Pure. */
export function missingOf(reason: string | null): string[] | null {
  const r = reason ?? "";
  const incomplete = /^incomplete fileset: waits for (.+) \(entry .+\)$/.exec(r);
  if (incomplete) return incomplete[1]!.split(", ");
  const entry = /waits for (?:its entry file |its image |its metadata file )(\/.+)$/.exec(r);
  return entry ? [entry[1]!] : null;
}

/**
 * Group pending files by the files they wait for, saying "N of M files are here". Files whose
 * reason names nothing missing keep their own sentence. Order: first appearance. Pure.
 */
export function groupPending(files: { path: string; reason: string | null }[]): PendingGroup[] {
  const groups = new Map<string, PendingGroup>();
  const out: PendingGroup[] = [];
  const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);
  for (const f of files) {
    const missing = missingOf(f.reason);
    if (!missing) {
      out.push({ present: [f.path], missing: [], text: explainFile("pending", f.reason) });
      continue;
    }
    const key = missing.join("\u0000");
    let g = groups.get(key);
    if (!g) {
      g = { present: [], missing, text: "" };
      groups.set(key, g);
      out.push(g);
    }
    g.present.push(f.path);
  }
  for (const g of groups.values()) {
    const n = g.present.length;
    const of = n + g.missing.length;
    g.text = `${n} of ${of} files ${n === 1 ? "is" : "are"} here; waiting for ${g.missing.map(base).join(", ")}. It is imported once ${
      g.missing.length === 1 ? "that file arrives" : "those files arrive"
    }.`;
  }
  return out;
}
