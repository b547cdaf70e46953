/**
 * The ledger's own troubles (issue 11), through `admin start`/`admin status` with the real node and
 * servers: a damaged ledger stops the DropBox with the reason and the way to recover, and is not
 * restarted in a loop; a ledger that cannot be written leaves the DropBox running, degraded, and
 * everything dropped meanwhile is imported once writes succeed (no `dropbox scan`).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type AdminStatusJson, AdminStatusJsonSchema } from "@omero-fs/protocol";
import { tiff, write } from "../dropbox/harness";
import { homeImports, homeStatus } from "../helpers/home";
import { waitFor } from "../helpers/wait";
import { jsonOf, logShows, makeHome, readLog, type TestHome } from "./harness";

jest.setTimeout(180_000);

const FAST = {
  "omero.fs.dirImportWait": "0.5",
  "omero.fs.settleTime": "0.5",
  "omero.fs.throttleImport": "0",
  "omero.fs.importer": "local",
  "omero.fs.rescanInterval": "0",
};

let home: TestHome;
afterEach(() => home?.cleanup());

const ledgerOf = (h: TestHome) => path.join(h.dir, "var", "db", "dropbox.sqlite");
const dropDir = (h: TestHome) => path.join(h.dir, "data", "DropBox");

async function status(h: TestHome): Promise<{ code: number | null; json: AdminStatusJson; raw: unknown }> {
  const r = await h.cli(["admin", "status", "--json"]);
  const raw = jsonOf(r);
  return { code: r.code, json: AdminStatusJsonSchema.parse(raw), raw };
}
const dropboxOf = (s: AdminStatusJson) => s.servers.find((x) => x.name === "DropBox")!;

/** Wait (reading in-process, test/helpers/home.ts) until the DropBox is in `state`; then `admin status --json` through the CLI. */
async function statusWhen(h: TestHome, state: string, timeoutMs = 30_000) {
  await waitFor(async () => dropboxOf(await homeStatus(h.dir)).state === state, `the DropBox to be ${state}`, {
    timeoutMs,
  });
  return status(h);
}

function importedFiles(h: TestHome): Set<string> {
  return new Set(homeImports(h.dir, { state: "imported" }).flatMap((i) => i.files));
}

async function waitImported(h: TestHome, paths: string[], timeoutMs = 60_000): Promise<void> {
  await waitFor(
    () => {
      const done = importedFiles(h);
      return paths.every((p) => done.has(p));
    },
    `imported: ${paths.join(", ")}`,
    { timeoutMs },
  );
}

/** Overwrite the ledger with random bytes, as a bad disk or a stray `dd` would. */
function damage(h: TestHome): void {
  const f = ledgerOf(h);
  for (const s of ["-wal", "-shm"]) fs.rmSync(`${f}${s}`, { force: true });
  fs.writeFileSync(f, crypto.randomBytes(8192));
}

test("a damaged ledger: the DropBox refuses it, naming var/db/dropbox.sqlite and the recovery; check-ledger says so; moved aside, nothing is imported twice", async () => {
  home = makeHome({ config: FAST });
  write(path.join(dropDir(home), "alice", "a.tif"), tiff(4, 4, "a"));
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  // a.tif was there before the first start: existing, and admin status says so.
  const st0 = await status(home);
  expect((st0.raw as { existingFiles?: number }).existingFiles).toBe(1);
  expect((await home.cli(["admin", "status"])).stdout).toContain(
    "1 file was already in the DropBox at the first walk and was not imported (omero.fs.existingFiles=skip); import them with: omero-fs dropbox import-existing [PATH]",
  );
  const b = write(path.join(dropDir(home), "alice", "b.tif"), tiff(4, 4, "b"));
  await waitImported(home, [b]);
  expect((await home.cli(["dropbox", "check-ledger"])).stdout).toMatch(/dropbox\.sqlite: ok \(integrity check passed/);
  expect((await home.cli(["admin", "stop"])).code).toBe(0);

  damage(home);
  const check = await home.cli(["dropbox", "check-ledger"]);
  expect(check.code).toBe(1);
  expect(check.stderr).toContain(`ledger ${ledgerOf(home)} is damaged: file is not a database`);
  expect(check.stderr).toContain(`mv ${ledgerOf(home)} ${ledgerOf(home)}.corrupt`);

  const start = await home.cli(["admin", "start"]);
  expect(start.code).toBe(1);
  expect(start.stderr).toContain("DropBox failed to start");
  expect(start.stderr).toContain(`the ledger ${ledgerOf(home)} is damaged (file is not a database)`);
  expect(start.stderr).toContain(`mv ${ledgerOf(home)} ${ledgerOf(home)}.corrupt`);
  const st = await status(home);
  expect(st.code).not.toBe(0);
  expect(dropboxOf(st.json).state).toBe("failed");
  expect(dropboxOf(st.json).reason).toMatch(/var\/db\/dropbox\.sqlite is damaged \(file is not a database\)/);

  // The documented recovery: move it aside, start; what is there is existing, nothing imported twice.
  fs.renameSync(ledgerOf(home), `${ledgerOf(home)}.corrupt`);
  const again = await home.cli(["admin", "start"]);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain("2 files were already in the DropBox at the first walk and were not imported");
  const c = write(path.join(dropDir(home), "alice", "c.tif"), tiff(4, 4, "c"));
  await waitImported(home, [c]);
  const imported = importedFiles(home);
  expect([...imported]).toEqual([c]);
  const manifests = fs
    .readdirSync(path.join(home.dir, "data", "ManagedRepository"), { recursive: true })
    .filter((p) => String(p).endsWith(".omero-fs-import.json"));
  // b once before the damage, c once after; a never.
  expect(manifests.length).toBe(2);
});

test("a ledger damaged under a running node: the restarted DropBox fails at once with the reason, no restart loop", async () => {
  home = makeHome({ config: FAST });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const before = dropboxOf((await status(home)).json);
  damage(home);
  process.kill(before.pid!, "SIGKILL");
  const st = await statusWhen(home, "failed", 30_000);
  expect(st.code).toBe(2);
  expect(dropboxOf(st.json).reason).toMatch(/not restarted \(a restart cannot help\): .*dropbox\.sqlite is damaged/);
  // One restart, not five.
  expect(dropboxOf(st.json).restarts).toBe(1);
  await logShows(home.dir, "Node", "restarting DropBox");
  expect(readLog(home.dir, "Node").match(/restarting DropBox/g)?.length).toBe(1);
});

test("a ledger that cannot be written (disk full): DropBox degraded with the reason (exit 2), still running; files dropped meanwhile are imported once writes succeed", async () => {
  const flag = path.join(fs.mkdtempSync("/tmp/ofs-full-"), "full");
  home = makeHome({
    config: FAST,
    env: {
      OMERO_FS_TEST_LEDGER_FULL_WHILE: JSON.stringify(flag),
      OMERO_FS_TEST_LEDGER_PROBE_MS: "300",
    },
  });
  try {
    fs.mkdirSync(path.join(dropDir(home), "alice"), { recursive: true });
    expect((await home.cli(["admin", "start"])).code).toBe(0);
    const pid = dropboxOf((await status(home)).json).pid;
    const a = write(path.join(dropDir(home), "alice", "a.tif"), tiff(4, 4, "a"));
    await waitImported(home, [a]);

    fs.writeFileSync(flag, "");
    const b = write(path.join(dropDir(home), "alice", "b.tif"), tiff(4, 4, "b"));
    const st = await statusWhen(home, "degraded", 30_000);
    expect(st.code).toBe(2);
    expect(dropboxOf(st.json).reason).toBe(
      `ledger ${ledgerOf(home)} cannot be written (disk full): events are not recorded; they will be picked up by a rescan once writes succeed`,
    );
    const text = await home.cli(["admin", "status"]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("cannot be written (disk full)");
    const c = write(path.join(dropDir(home), "alice", "sub", "c.tif"), tiff(4, 4, "c"));
    // Events keep failing to be recorded while probes fail; nothing of b or c is imported yet.
    await logShows(home.dir, "DropBox", "cannot be written (disk full)");
    expect(importedFiles(home).has(b)).toBe(false);

    fs.rmSync(flag);
    await waitImported(home, [b, c]);
    const after = await status(home);
    expect(after.code).toBe(0);
    expect(dropboxOf(after.json)).toMatchObject({ state: "running", pid });
    // Said once, not once per event or probe.
    await logShows(home.dir, "DropBox", "takes writes again: rescanning every watch");
    expect(readLog(home.dir, "DropBox").match(/cannot be written \(disk full\)/g)?.length).toBe(1);
  } finally {
    fs.rmSync(path.dirname(flag), { recursive: true, force: true });
  }
});

test("a ledger found damaged while the DropBox runs: it stops with the reason and the recovery, and is not restarted", async () => {
  const flag = path.join(fs.mkdtempSync("/tmp/ofs-corrupt-"), "flag");
  home = makeHome({ config: FAST, env: { OMERO_FS_TEST_LEDGER_FULL_WHILE: JSON.stringify(flag) } });
  try {
    fs.mkdirSync(path.join(dropDir(home), "alice"), { recursive: true });
    expect((await home.cli(["admin", "start"])).code).toBe(0);
    // The next write meets a damaged database image (test hook: SQLite's own SQLITE_CORRUPT error).
    fs.writeFileSync(flag, "SQLITE_CORRUPT");
    write(path.join(dropDir(home), "alice", "a.tif"), tiff(4, 4, "a"));
    const st = await statusWhen(home, "failed", 30_000);
    expect(st.code).toBe(2);
    expect(dropboxOf(st.json).reason).toContain(`not restarted (a restart cannot help): exited with code 78`);
    expect(dropboxOf(st.json).reason).toContain(
      `the ledger ${ledgerOf(home)} is damaged (database disk image is malformed); the DropBox does not run on it. To recover: move it aside`,
    );
    expect(dropboxOf(st.json).restarts).toBe(0);
  } finally {
    fs.rmSync(path.dirname(flag), { recursive: true, force: true });
  }
});
