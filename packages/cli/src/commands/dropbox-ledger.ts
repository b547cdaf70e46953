/**
 * `omero-fs dropbox import-existing [PATH]` (files recorded as `existing`, omero.fs.existingFiles)
 * and `omero-fs dropbox check-ledger` (is var/db/dropbox.sqlite sound; how to recover when not).
 */
import * as fs from "node:fs";
import { homePaths } from "@omero-fs/config/home";
import { resolveWatchPath } from "../core/watch-path";
import { CliError } from "../errors";
import { escapeName } from "../format";
import { throughDropBox } from "../dropbox-access";

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

/** SQLite's integrity check and the schema version, read-only; exit 1 with the recovery steps when damaged. */
export function checkLedger(home: string, json: boolean): void {
  const { checkLedgerFile, ledgerRecoverySteps } =
    require("@omero-fs/dropbox/ledger") as typeof import("@omero-fs/dropbox/ledger");
  const file = homePaths(home).ledger;
  if (!fs.existsSync(file)) {
    if (json) process.stdout.write(`${JSON.stringify({ ledger: file, ok: true, exists: false })}\n`);
    else process.stdout.write(`no ledger at ${file} yet: the DropBox creates it when it first starts\n`);
    return;
  }
  const r = checkLedgerFile(file);
  if (json) {
    process.stdout.write(
      `${JSON.stringify(r.ok ? { ledger: file, ok: true, exists: true, schemaVersion: r.version } : { ledger: file, ok: false, exists: true, problem: r.problem, recovery: ledgerRecoverySteps(file) })}\n`,
    );
    if (!r.ok) process.exitCode = 1;
    return;
  }
  if (r.ok) {
    process.stdout.write(`ledger ${file}: ok (integrity check passed, schema version ${r.version})\n`);
    return;
  }
  throw new CliError(
    [
      `ledger ${file} is damaged: ${r.problem}`,
      "The DropBox does not run on it. To recover (files already imported are not imported twice):",
      ...ledgerRecoverySteps(file).map((s, i) => `  ${i + 1}. ${s}`),
    ].join("\n"),
  );
}
