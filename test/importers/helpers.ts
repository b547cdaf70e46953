import * as fs from "node:fs";
import * as path from "node:path";
import { type Logger, loadConfigOrThrow, type OmeroFsConfig } from "@omero-fs/config";
import type { ImportRequest } from "../../packages/dropbox/src/importers";
import { REPO_ROOT } from "../helpers/wait";

export const FAKE_OMERO = path.join(REPO_ROOT, "test", "fixtures", "fake-omero");
export const RECORD_ARGS = path.join(REPO_ROOT, "test", "fixtures", "record-args");

/**
 * A logger collecting "level message" lines (what would go to DropBox.log). Importers call only
 * info/warn/error/debug; winston itself is not resolvable from test/ (a packages/dropbox dependency).
 */
export function memoryLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  const log = { info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") } as unknown as Logger;
  return { log, lines };
}

/** The defaulted config of a fresh home, with global and first-watch overrides. */
export function configFor(
  home: string,
  global: Partial<OmeroFsConfig["global"]>,
  watch: Partial<OmeroFsConfig["watches"][number]> = {},
): OmeroFsConfig {
  const base = loadConfigOrThrow({ home, env: {} });
  return {
    global: { ...base.global, dataDir: path.join(home, "data"), ...global },
    watches: [{ ...base.watches[0]!, ...watch }],
  };
}

export function request(
  config: OmeroFsConfig,
  filesetId: number,
  user: string,
  files: string[],
  entry = files[0]!,
): ImportRequest {
  return { filesetId, user, watch: config.watches[0]!, entry, files, reader: null };
}

export function readJsonLines<T = Record<string, unknown>>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

/** True while the process runs; a zombie (killed, waiting to be reaped by init) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** File names that break shells, option parsers and line-based formats. */
export const HOSTILE_NAMES = [
  "-rf.tif",
  `a b "q" $(touch pwned) 'x'.tif`,
  "new\nline.tif",
  "ünïcödé 画像 ✓.tif",
  "--agent=evil.tif",
];
