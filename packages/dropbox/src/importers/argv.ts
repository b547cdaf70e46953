/**
 * Pure argv building and output parsing for the `omero` and `exec` importers. No I/O: tested
 * with literal arrays (importers.test.ts / argv.test.ts).
 */
import * as path from "node:path";
import { ImporterConfigError } from "./errors";
import { ShellSplitError, shellSplit } from "./shell-split";

/** Split a shell-like setting; an unbalanced quote names the property (and watch slot). */
export function splitSetting(value: string, property: string, watchIndex: number | null): string[] {
  try {
    return shellSplit(value);
  } catch (e) {
    if (e instanceof ShellSplitError) {
      const where = watchIndex === null ? property : `${property} (watch ${watchIndex + 1})`;
      throw new ImporterConfigError(
        "IMPORTER_UNBALANCED_QUOTE",
        `${where}: ${e.message} in ${JSON.stringify(value)}; quote words like a POSIX shell`,
        { cause: e },
      );
    }
    throw e;
  }
}

export interface OmeroServer {
  server: string;
  port: number;
}

/**
 * `omero login` as `admin` for `user` (omero-py sessions plugin, `--sudo`). The admin password is
 * never on argv: omero-py reads OMERO_PASSWORD from the environment when `-w` is absent.
 * No `-g`: the sudo session's Principal has no group, so the server uses the user's default group.
 */
export function omeroLoginArgv(s: OmeroServer, admin: string, user: string): string[] {
  return ["login", "--sudo", admin, "-u", user, "-s", s.server, "-p", String(s.port)];
}

/** `omero sessions key`: prints the key of the current session of OMERO_SESSIONDIR. */
export function omeroSessionKeyArgv(): string[] {
  return ["sessions", "key"];
}

export interface OmeroImportArgvInput extends OmeroServer {
  key: string;
  errsFile: string;
  outFile: string;
  importArgs: string[];
  entry: string;
  /** Crash-recovery redo: skip files OMERO already has from this client path. */
  excludeClientPath?: boolean;
  /** omero.fs.transfer: OMERO's --transfer; "upload" (the default) adds nothing. */
  transfer?: string;
}

/**
 * The argv OMERO.dropbox passes to `omero.cli.CLI().invoke` (OMERO-DROPBOX.md 3.5):
 * `-s host -p port -k key import ---errs=E ---file=O -- --agent=dropbox <importArgs> <entry>`.
 * The entry must be absolute, so no file name can be read as an option.
 */
export function omeroImportArgv(a: OmeroImportArgvInput): string[] {
  if (!path.isAbsolute(a.entry)) throw new Error(`entry path must be absolute: ${a.entry}`);
  return [
    "-s",
    a.server,
    "-p",
    String(a.port),
    "-k",
    a.key,
    "import",
    `---errs=${a.errsFile}`,
    `---file=${a.outFile}`,
    "--",
    "--agent=dropbox",
    ...(a.excludeClientPath ? ["--exclude=clientpath"] : []),
    ...(a.transfer && a.transfer !== "upload" ? [`--transfer=${a.transfer}`] : []),
    ...a.importArgs,
    a.entry,
  ];
}

/**
 * `omero import -f` as OMERO.dropbox runs it (import_candidates.as_dictionary): `-f` before `--`
 * so the Python side needs no server; the watch's import arguments go to Java like an import's.
 */
export function omeroUsedFilesArgv(outFile: string, errsFile: string, importArgs: string[], paths: string[]): string[] {
  for (const p of paths) if (!path.isAbsolute(p)) throw new Error(`path must be absolute: ${p}`);
  return ["import", "-f", `---file=${outFile}`, `---errs=${errsFile}`, "--", ...importArgs, ...paths];
}

/** Where importArgs already names a transfer (then omero.fs.transfer must stay upload). */
export function transferInArgs(importArgs: readonly string[]): string | null {
  for (let i = 0; i < importArgs.length; i++) {
    const a = importArgs[i]!;
    if (a.startsWith("--transfer=")) return a.slice("--transfer=".length);
    if (a === "--transfer") return importArgs[i + 1] ?? "";
  }
  return null;
}

const ID_LINE = /^([A-Z][A-Za-z]*):\s*(\d+(?:\s*,\s*\d*)*)\s*$/;
const YAML_LIST = /^\s*-?\s*([A-Z][A-Za-z]*):\s*\[?\s*(\d+(?:\s*,\s*\d+)*)\s*\]?\s*$/;

/**
 * The object ids `omero import` reports, in first-seen order, merged per kind:
 * default `--output=ids` prints `Image:1,2` on stdout; `legacy` prints pixel ids on stdout and
 * `Fileset:5`/`Image:...` on stderr; `yaml` prints `- Fileset: 5` and `  Image: [1,2]`.
 * Returns e.g. "Image:1,2; Fileset:5", or null when nothing was reported.
 */
export function parseImportIds(lines: readonly string[]): string | null {
  const byKind = new Map<string, number[]>();
  for (const raw of lines) {
    const line = raw.trim();
    const m = ID_LINE.exec(line) ?? YAML_LIST.exec(line);
    if (!m) continue;
    const ids = m[2]!
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "")
      .map(Number);
    if (ids.length === 0) continue;
    const list = byKind.get(m[1]!) ?? [];
    for (const id of ids) if (!list.includes(id)) list.push(id);
    byKind.set(m[1]!, list);
  }
  if (byKind.size === 0) return null;
  return [...byKind].map(([k, ids]) => `${k}:${ids.join(",")}`).join("; ");
}

/** A -k key that the server no longer knows (`Bad session key. Cannot join ...`, exit 523). */
const EXPIRED = /Bad session key|Cannot join|SessionTimeoutException|RemovedSessionException|session .*expired/i;

export function looksLikeExpiredSession(output: readonly string[]): boolean {
  return EXPIRED.test(output.join("\n"));
}

/** Seconds of the "Idle timeout: 10 min." / "Idle timeout: 30 s." in the login message, or null. */
export function parseIdleTimeout(output: readonly string[]): number | null {
  const m = /Idle timeout:\s*([\d.]+)\s*(min|s)\b/.exec(output.join("\n"));
  if (!m) return null;
  const n = Number(m[1]);
  return m[2] === "min" ? n * 60 : n;
}

/** Hide password values in an argv before it is logged: `-w X`, `--password X`, `--password=X`. */
export function scrubArgv(argv: readonly string[], secrets: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === "-w" || a === "--password") && i + 1 < argv.length) {
      out.push(a, "***");
      i++;
    } else if (a.startsWith("--password=")) out.push("--password=***");
    else out.push(scrubText(a, secrets));
  }
  return out;
}

export function scrubText(s: string, secrets: readonly string[]): string {
  let r = s;
  for (const secret of secrets) if (secret) r = r.split(secret).join("***");
  return r;
}

/** Quote an argv for a log line (JSON strings: unambiguous with spaces, quotes and newlines). */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/** The reason a failed import gives: the last line that looks like an error, else the last line. */
export function lastErrorLine(lines: readonly string[]): string | null {
  const nonEmpty = lines.map((l) => l.trim()).filter((l) => l !== "");
  for (let i = nonEmpty.length - 1; i >= 0; i--) {
    if (
      /error|exception|fail|denied|not found|no such/i.test(nonEmpty[i]!) &&
      !/^\d+ files? uploaded/.test(nonEmpty[i]!)
    )
      return nonEmpty[i]!;
  }
  return nonEmpty.length ? nonEmpty[nonEmpty.length - 1]! : null;
}

// ---- exec importer templates ----

export const EXEC_PLACEHOLDERS = ["entry", "user", "files", "fileset", "watch", "watchDir"] as const;
const PLACEHOLDER = /\{(entry|user|files|fileset|watch|watchDir)\}/g;

/** Split and check an execCommand template once (createImporter): `{files}` only as a whole word. */
export function parseExecTemplate(execCommand: string): string[] {
  const tokens = splitSetting(execCommand, "omero.fs.execCommand", null);
  if (tokens.length === 0)
    throw new ImporterConfigError(
      "IMPORTER_EMPTY_EXEC_COMMAND",
      "omero.fs.execCommand is empty but omero.fs.importer is exec: set it to a command template, e.g. `/usr/local/bin/my-import --user {user} {entry}`",
    );
  for (const t of tokens) {
    if (t.includes("{files}") && t !== "{files}")
      throw new ImporterConfigError(
        "IMPORTER_BAD_PLACEHOLDER",
        `omero.fs.execCommand: {files} must be a whole word (it expands to one argument per file), not part of ${JSON.stringify(t)}`,
      );
  }
  return tokens;
}

export interface ExecValues {
  entry: string;
  user: string;
  files: readonly string[];
  fileset: number;
  watch: number;
  watchDir: string;
}

/**
 * Substitute placeholders per token after splitting, in one pass, so a file name is never
 * re-split and a name that contains `{user}` is not expanded again. Unknown `{x}` stays literal.
 */
export function expandExecTemplate(tokens: readonly string[], v: ExecValues): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (t === "{files}") {
      out.push(...v.files);
      continue;
    }
    out.push(
      t.replace(PLACEHOLDER, (_m, name: string) => {
        switch (name) {
          case "entry":
            return v.entry;
          case "user":
            return v.user;
          case "fileset":
            return String(v.fileset);
          case "watch":
            return String(v.watch);
          case "watchDir":
            return v.watchDir;
          default:
            return _m;
        }
      }),
    );
  }
  return out;
}

/** exec importer target: the last non-empty stdout line, or null. */
export function lastNonEmptyLine(lines: readonly string[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim() !== "") return lines[i]!.trim();
  return null;
}
