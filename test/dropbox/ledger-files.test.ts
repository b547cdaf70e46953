/**
 * The ledger's files (issue 19): a clean stop leaves nothing only in dropbox.sqlite-wal, the log is
 * checkpointed while the DropBox runs, `omero-fs dropbox backup FILE` makes a consistent copy, and
 * the ledger, notify.sqlite and logs are not world-readable. e2e: real processes, real files.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { type LedgerView, openLedgerView } from "@omero-fs/dropbox/ledger";
import Database from "better-sqlite3";
import { CLI_BIN } from "../helpers/wait";
import { type Home, imports, makeHome, stop, tiff, up, waitFor, write } from "./harness";

jest.setTimeout(90_000);
const run = promisify(execFile);
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));

/** Imported filesets in a copy of dropbox.sqlite alone (what a file backup that misses the -wal holds). */
function importedInMainFileAlone(h: Home): number {
  const copy = path.join(h.root, `alone-${Date.now()}-${Math.random()}.sqlite`);
  fs.copyFileSync(h.ledger, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return db.prepare("SELECT COUNT(*) FROM filesets WHERE state = 'imported'").pluck().get() as number;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

const mode = (f: string) => fs.statSync(f).mode & 0o777;

let h: Home;
let down: () => Promise<void> = async () => undefined;
let view: LedgerView | null = null;
afterEach(async () => {
  view?.close();
  view = null;
  await down();
  h?.cleanup();
});

async function dropAndImport(n: number): Promise<void> {
  for (let i = 0; i < n; i++) write(path.join(h.dropbox, "amy", `f${i}.tif`), tiff(4, 4 + i));
  await waitFor(() => imports(h, { state: "imported" }).length === n || null, `${n} imported`, { timeoutMs: 30_000 });
}

test("a clean stop checkpoints the ledger: dropbox.sqlite alone holds every change, with a reader still open", async () => {
  h = makeHome();
  const servers = await up(h);
  down = servers.down;
  // The node keeps the ledger open read-only like this: SQLite then does not checkpoint at close.
  view = openLedgerView(h.ledger);
  await dropAndImport(6);
  expect(await stop(servers.dropbox)).toBe(0);
  expect(importedInMainFileAlone(h)).toBe(6);
});

test("the write-ahead log is checkpointed while the DropBox runs", async () => {
  h = makeHome();
  ({ down } = await up(h, { OMERO_FS_TEST_DROPBOX_CHECKPOINT_MS: "300" }));
  view = openLedgerView(h.ledger);
  await dropAndImport(4);
  await waitFor(() => importedInMainFileAlone(h) === 4 || null, "dropbox.sqlite alone holds the 4 imports");
});

test("dropbox backup FILE: a checked copy while the DropBox runs, 0600; an existing FILE only with --force", async () => {
  h = makeHome();
  ({ down } = await up(h));
  await dropAndImport(3);
  const dest = path.join(h.root, "backup.sqlite");
  const cli = (...a: string[]) =>
    run(process.execPath, [CLI_BIN, "--home", h.home, "dropbox", ...a], { env }).catch(
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
  const r = await cli("backup", dest, "--json");
  expect(JSON.parse(r.stdout)).toMatchObject({ file: dest, filesets: 3, files: 3 });
  expect(mode(dest)).toBe(0o600);
  const db = new Database(dest, { readonly: true });
  expect(db.prepare("SELECT COUNT(*) FROM filesets WHERE state = 'imported'").pluck().get()).toBe(3);
  db.close();
  const again = await cli("backup", dest);
  expect(again.stderr).toMatch(
    /backup: .*backup\.sqlite already exists; give a new file name, or --force to replace it/,
  );
  expect((await cli("backup", dest, "--force")).stdout).toMatch(
    /^backup: .* copied to .*backup\.sqlite \(.* 3 filesets, 3 files; checked\)/,
  );
});

test("the ledger and its log are the service user's (0600), logs 0640, var/db and var/log 0750", async () => {
  h = makeHome();
  ({ down } = await up(h));
  await dropAndImport(1);
  expect(mode(h.ledger)).toBe(0o600);
  expect(mode(`${h.ledger}-wal`)).toBe(0o600);
  expect(mode(path.join(h.home, "var", "log", "DropBox.log"))).toBe(0o640);
  expect(mode(path.join(h.home, "var", "log", "MonitorServer.log"))).toBe(0o640);
  expect(mode(path.join(h.home, "var", "db"))).toBe(0o750);
  expect(mode(path.join(h.home, "var", "log"))).toBe(0o750);
});
