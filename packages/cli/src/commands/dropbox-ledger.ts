/**
 * `omero-fs dropbox import-existing [PATH]` (files recorded as `existing`, omero.fs.existingFiles)
 * and `omero-fs dropbox check-ledger` (is var/db/dropbox.sqlite sound; how to recover when not).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { homePaths } from "@omero-fs/config/home";
import { resolveWatchPath } from "../core/watch-path";
import { CliError } from "../errors";
import { escapeName } from "../format";
import { callDropBox, dropboxEndpoint, throughDropBox } from "../dropbox-access";

const plural = (n: number) => `${n.toLocaleString("en-US")} existing file${n === 1 ? "" : "s"}`;

/** Through the running DropBox (it groups them now), else written to the ledger for its next start. */
export async function importExisting(home: string, rawPath: string | undefined, json: boolean): Promise<void> {
  const { loadConfigOrThrow } = await import("@omero-fs/config");
  const config = loadConfigOrThrow({ home });
  let dir: string | undefined;
  if (rawPath !== undefined) {
    const r = resolveWatchPath(
      rawPath,
      process.cwd(),
      config.watches.map((w) => w.watchDir),
      (p) => {
        try {
          return fs.realpathSync(p);
        } catch {
          return null;
        }
      },
    );
    if ("error" in r) throw new CliError(`import-existing: ${escapeName(r.error)}`);
    dir = r.path;
  }
  const where = dir === undefined ? "" : ` under ${escapeName(dir)}`;
  const r = await throughDropBox(home, {
    what: "import-existing",
    method: "importExisting",
    params: dir === undefined ? {} : { path: dir },
    timeoutMs: 600_000,
    direct: (ledger, file) => ledger.releaseExistingForNextStart(file, dir === undefined ? null : [dir]),
  });
  const running = r.running;
  const released = r.running ? r.result.released : r.result;
  if (json) {
    process.stdout.write(`${JSON.stringify({ released, path: dir ?? null, running })}\n`);
    return;
  }
  if (released === 0) {
    process.stdout.write(`import-existing: no existing files${where}; nothing to import\n`);
    return;
  }
  process.stdout.write(
    running
      ? `import-existing: released ${plural(released)}${where} for import; the DropBox imports them now (omero-fs imports list)\n`
      : `import-existing: released ${plural(released)}${where} for import; the DropBox is not running: it imports them when it starts\n`,
  );
}

/**
 * SQLite's integrity check and the schema version (read-only), then the ledger's invariant: asked
 * of the running DropBox (it walks every watch and groups what it saw first), else judged on the
 * file. Exit 1 with the recovery steps when damaged, with the problems when the invariant is broken.
 */
export async function checkLedger(home: string, json: boolean): Promise<void> {
  const ledger = require("@omero-fs/dropbox/ledger") as typeof import("@omero-fs/dropbox/ledger");
  const file = homePaths(home).ledger;
  if (!fs.existsSync(file)) {
    if (json) process.stdout.write(`${JSON.stringify({ ledger: file, ok: true, exists: false })}\n`);
    else process.stdout.write(`no ledger at ${file} yet: the DropBox creates it when it first starts\n`);
    return;
  }
  const r = ledger.checkLedgerFile(file);
  if (!r.ok) {
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ ledger: file, ok: false, exists: true, problem: r.problem, recovery: ledger.ledgerRecoverySteps(file) })}\n`,
      );
      process.exitCode = 1;
      return;
    }
    throw new CliError(
      [
        `ledger ${file} is damaged: ${r.problem}`,
        "The DropBox does not run on it. To recover (files already imported are not imported twice):",
        ...ledger.ledgerRecoverySteps(file).map((s, i) => `  ${i + 1}. ${s}`),
      ].join("\n"),
    );
  }
  const endpoint = await dropboxEndpoint(home);
  // A walk of every watch first: as long as `dropbox scan`.
  const inv = endpoint
    ? await callDropBox(home, endpoint, "checkLedger", {}, 600_000, "check-ledger")
    : ledger.checkInvariantOffline(file);
  const { files, ...invariant } = inv;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ ledger: file, ok: invariant.ok, exists: true, schemaVersion: r.version, running: endpoint !== null, files, invariant })}\n`,
    );
    if (!invariant.ok) process.exitCode = 1;
    return;
  }
  const lines = [
    `ledger ${file}: ${invariant.ok ? "ok" : "invariant broken"} (integrity check passed, schema version ${r.version}; ${files} file(s))`,
  ];
  for (const n of invariant.notes) lines.push(`note: ${n}`);
  if (invariant.ok) {
    lines.push(
      `invariant holds${endpoint ? " (checked by the running DropBox after a walk of every watch)" : ""}: every file is in a fileset, imported, ignored, refused, existing, or pending with what it waits for`,
    );
    process.stdout.write(`${lines.join("\n")}\n`);
    return;
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  throw new CliError(["ledger invariant broken:", ...invariant.problems.map((p) => `  ${p.message}`)].join("\n"));
}

/**
 * `omero-fs dropbox backup FILE`: a consistent copy of the ledger (SQLite's online backup), with the
 * DropBox running or not. The copy is 0600 and checked (quick_check) before the answer.
 */
export async function backupLedger(home: string, dest: string, force: boolean, json: boolean): Promise<void> {
  const ledger = require("@omero-fs/dropbox/ledger") as typeof import("@omero-fs/dropbox/ledger");
  const file = homePaths(home).ledger;
  if (!fs.existsSync(file))
    throw new CliError(`backup: no ledger at ${file} yet (no DropBox has run in ${home}); nothing to back up`);
  const to = path.resolve(dest);
  let r: Awaited<ReturnType<typeof ledger.backupLedger>>;
  try {
    r = await ledger.backupLedger(file, to, force);
  } catch (e) {
    throw new CliError(`backup: ${escapeName((e as Error).message.split("\n")[0]!)}`);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ ledger: file, ...r })}\n`);
    return;
  }
  process.stdout.write(
    `backup: ${escapeName(file)} copied to ${escapeName(r.file)} (${r.bytes.toLocaleString("en-US")} bytes, schema version ${r.schemaVersion}, ${r.filesets} filesets, ${r.files} files; checked)\n`,
  );
}
