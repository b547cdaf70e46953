/**
 * A home's state read in the test process, through the code the CLI runs for `imports list`,
 * `files list` (the ledger's read-only view) and `admin status` (currentStatus: the node's answer,
 * else the files). For waits: a wait polls these in milliseconds, where polling the CLI starts a
 * node process each time (0.35 s of CPU, seconds under load) and the answer lags by as much. A
 * test that checks what the CLI prints still runs the CLI, once, when the wait is over.
 */
import * as fs from "node:fs";
import { homePaths } from "@omero-fs/config";
import { type ListFilter, openLedgerView } from "@omero-fs/dropbox/ledger";
import { type AdminStatusJson, AdminStatusJsonSchema, type FileJson, type ImportJson } from "@omero-fs/protocol";
import { currentStatus } from "../../packages/cli/src/commands/admin-status";

function withLedger<T>(home: string, empty: T, fn: (v: ReturnType<typeof openLedgerView>) => T): T {
  const ledger = homePaths(home).ledger;
  // A home where no DropBox has run yet: nothing seen (as `imports list` says).
  if (!fs.existsSync(ledger)) return empty;
  const v = openLedgerView(ledger);
  try {
    return fn(v);
  } finally {
    v.close();
  }
}

/** `imports list --json` of a home. */
export const homeImports = (home: string, f?: ListFilter): ImportJson[] =>
  withLedger(home, [], (v) => v.listImports(f));

/** `files list --json` of a home. */
export const homeFiles = (home: string, f?: ListFilter): FileJson[] => withLedger(home, [], (v) => v.listFiles(f));

/** `admin status --json` of a home, checked against its contract. */
export async function homeStatus(home: string): Promise<AdminStatusJson> {
  return AdminStatusJsonSchema.parse(await currentStatus(home));
}

/** One server's line of a status. */
export const serverOf = (s: AdminStatusJson, name: string) => {
  const x = s.servers.find((y) => y.name === name);
  if (!x) throw new Error(`no server ${name} in ${JSON.stringify(s)}`);
  return x;
};
