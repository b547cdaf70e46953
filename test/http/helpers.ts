import * as fs from "node:fs";
import * as path from "node:path";
import type { ImportJson } from "@omero-fs/protocol";
import { readLog, type TestHome } from "../cli/harness";
import { homeImports } from "../helpers/home";
import { waitFor } from "../helpers/wait";

export const IMPORT_OR_FAIL = path.join(__dirname, "fixtures", "import-or-fail.js");

/** Quick imports by the exec importer: names containing "bad" fail, at once (no retries). */
export function execConfig(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "omero.fs.dirImportWait": "1",
    "omero.fs.settleTime": "0.5",
    "omero.fs.throttleImport": "0",
    "omero.fs.rescanInterval": "0",
    "omero.fs.importer": "exec",
    "omero.fs.importRetries": "0",
    "omero.fs.execCommand": `${process.execPath} ${IMPORT_OR_FAIL} {entry}`,
    "omero.fs.httpAddress": "127.0.0.1:0",
    ...extra,
  };
}

/** Fast notifier polls and retries, fast page refresh. */
export const FAST_ENV = {
  OMERO_FS_TEST_NOTIFY_POLL_MS: "100",
  OMERO_FS_TEST_NOTIFY_RETRY_MS: "200",
  OMERO_FS_TEST_HTTP_REFRESH_S: "1",
};

/** Write empty .fake files (the FakeReader's format) under DropBox/<user>/. */
export function drop(h: TestHome, user: string, names: string[]): string[] {
  return names.map((n) => {
    const p = path.join(h.dir, "data", "DropBox", user, n);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, "");
    return p;
  });
}

/** The node's HTTP base URL (from var/run/node.json). */
export function baseUrl(h: TestHome): string {
  const info = JSON.parse(fs.readFileSync(path.join(h.dir, "var", "run", "node.json"), "utf8")) as { http?: string };
  if (!info.http) throw new Error(`the node serves no HTTP:\n${readLog(h.dir, "Node")}`);
  return `http://${info.http}`;
}

/** Wait until every path is in a fileset that finished (imported or failed); the imports. */
export async function waitFinished(h: TestHome, paths: string[], timeoutMs = 60_000): Promise<ImportJson[]> {
  // Read in-process (test/helpers/home.ts: what `imports list --json` prints), not a CLI start per poll.
  return waitFor(
    () => {
      const list = homeImports(h.dir);
      const done = new Set(list.filter((i) => i.state === "imported" || i.state === "failed").flatMap((i) => i.files));
      return paths.every((p) => done.has(p)) ? list : null;
    },
    `${paths.length} file(s) to be imported or failed`,
    { timeoutMs },
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${readLog(h.dir, "DropBox").split("\n").slice(-30).join("\n")}`);
  });
}

/** Prometheus text -> "name{labels}" -> value. */
export function parseMetrics(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}
