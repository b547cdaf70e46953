import * as fs from "node:fs";
import * as path from "node:path";
import { homePaths } from "./home";
import { parseConfigJson } from "./load";

/** etc/config.json: what `omero-fs config set` stores. */

export class ConfigStoreError extends Error {
  readonly code = "CONFIG_STORE";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigStoreError";
  }
}

/** The stored values (empty when the file does not exist). Throws ConfigStoreError when unreadable. */
export function readConfigJson(home: string): Record<string, string> {
  const file = homePaths(home).configJson;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new ConfigStoreError(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  const r = parseConfigJson(text);
  if (r.problem) throw new ConfigStoreError(`${file}: ${r.problem}; fix or remove it first`);
  return r.values;
}

/**
 * Replace etc/config.json atomically: write a temporary file in etc/, fsync it, rename it over the
 * old one, fsync the directory. A crash leaves either the old or the new file, never half of one.
 */
export function writeConfigJson(home: string, values: Record<string, string>): void {
  const file = homePaths(home).configJson;
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.config.json.${process.pid}.${Date.now()}.tmp`);
  const text = `${JSON.stringify(values, null, 2)}\n`;
  const fd = fs.openSync(tmp, "w", 0o644);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dfd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  }
}
