import * as path from "node:path";
import { IMPORT_STATES, ImportActionJsonSchema, type ImportJson } from "@omero-fs/protocol";
import type { ImportRow } from "@omero-fs/dropbox/ledger";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError, UsageError } from "../errors";
import { ago, cell, escapeName, tableChunks, textCell } from "../format";
import { importShow, importShowJson, importsListJson } from "../json-output";
import { throughDropBox } from "../dropbox-access";
import { checkState, ledgerExists, openView } from "../ledger-access";
import { printJson } from "../print";
import { writeChunks } from "../stdout";
import { type ManyArgs, applyIds, applyMany, manyJson } from "./imports-many";

/** The options of a selection of many imports. */
function manyOptions<T>(y: import("yargs").Argv<T>, state: string) {
  return y
    .option("state", { type: "string", describe: `act on every import in this state (${state})` })
    .option("user", { type: "string", describe: "only this user's imports" })
    .option("since", { type: "string", describe: "only those whose last run ended since (2026-03-01, 12h, 7d)" })
    .option("yes", { type: "boolean", describe: "do not ask for confirmation (scripts)" });
}

/** --user/--since/--yes apply to a selection (--state), never to one id. */
function onlyMany(a: ManyArgs & { id?: string }): ManyArgs {
  if (a.id !== undefined) throw new CliError("give an import id or --state, not both");
  return a;
}

/** omero.fs.webUrl ("" when the configuration does not load: the lists still print). */
async function webUrlOf(home: string): Promise<string> {
  const { loadConfig } = await import("@omero-fs/config");
  return loadConfig({ home }).effective?.global.webUrl ?? "";
}

/** The importer the configuration runs now (a reimport is recorded with it). */
function importerOf(home: string): () => Promise<string> {
  return async () => {
    const { loadConfigOrThrow } = await import("@omero-fs/config");
    return loadConfigOrThrow({ home }).global.importer;
  };
}

interface ListArgs extends GlobalArgs {
  json?: boolean;
  user?: string;
  state?: string;
}

/** The entry relative to the common DropBox tree when that is shorter: people read the tail. */
function shortEntry(entry: string, root: string | null): string {
  if (root && entry.startsWith(`${root}${path.sep}`)) return entry.slice(root.length + 1);
  return entry;
}

function commonRoot(imports: ImportRow[]): string | null {
  // Every watch keeps per-user folders below one directory; strip "<watchDir>/" when all share it.
  let root: string | null = null;
  for (const i of imports) {
    if (root !== null && i.entry.startsWith(`${root}/`)) continue;
    const d = path.dirname(path.dirname(i.entry));
    if (root === null) root = d;
    while (root && root !== "/" && !i.entry.startsWith(`${root}/`)) root = path.dirname(root);
    if (root === "/") return null;
  }
  return root;
}

/** The table and its summary line, in parts for writeChunks. */
function* listTable(imports: ImportRow[]): Generator<string> {
  const root = commonRoot(imports);
  const now = Date.now();
  const rows = imports.map((i) => [
    String(i.id),
    cell(i.user),
    i.state,
    String(i.attempts),
    String(i.fileCount),
    i.state === "imported" ? ago(i.importedAt, now) : ago(i.createdAt, now),
    cell(shortEntry(i.entry, root), 70),
    // A plate shows as a plate: what its index lists and how much of it came.
    i.plate ? textCell(i.plate, 100) : textCell(i.error, 60),
  ]);
  const head = [
    "ID",
    "USER",
    "STATE",
    "ATTEMPTS",
    "FILES",
    "WHEN",
    root ? `ENTRY (under ${escapeName(root)})` : "ENTRY",
    "ERROR / PLATE",
  ];
  yield* tableChunks(head, rows);
  yield `${summary(imports)}\n`;
}

function summary(imports: ImportRow[]): string {
  const by = new Map<string, number>();
  for (const i of imports) by.set(i.state, (by.get(i.state) ?? 0) + 1);
  const parts = [...by].map(([s, n]) => `${n} ${s}`);
  return `${imports.length} import${imports.length === 1 ? "" : "s"}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

/** `imports show`: every name escaped (escapeName); --json carries them exact. Watches count from 1. */
function showText(i: ImportJson): string {
  const e = escapeName;
  const lines = [
    `import ${i.id}`,
    `  user:       ${e(i.user)} (watch ${i.watch + 1})`,
    `  state:      ${i.state}`,
    `  attempts:   ${i.attempts}`,
    `  importer:   ${i.importer}`,
    `  reader:     ${e(i.reader ?? "-")}`,
    `  entry:      ${e(i.entry)}`,
    `  created:    ${i.createdAt}`,
    `  imported:   ${i.importedAt ?? "-"}`,
    `  target:     ${e(i.target ?? "-")}`,
  ];
  if (i.error) lines.push(`  error:      ${e(i.error)}`);
  if (i.waitingFor) lines.push(`  ${i.state === "incomplete" ? "incomplete:" : "waiting:   "} ${e(i.waitingFor)}`);
  if (i.state === "incomplete")
    lines.push(`  to import it as it is: omero-fs imports release ${i.id}; or copy the missing files into its folder`);
  if (i.plate) {
    const p = i.plate;
    const n = (x: number) => x.toLocaleString("en-US");
    lines.push(
      `  plate:      ${e(p.format)} plate ${e(p.name)} (${e(p.reader ?? "-")})`,
      `              ${p.wells} wells x ${p.fields} fields x ${p.channels} channels x ${p.timepoints} timepoints${p.zSteps > 1 ? ` x ${p.zSteps} z` : ""}`,
      `              ${n(p.presentImages)} of ${n(p.expectedImages)} images found${p.missingImages > 0 ? `, ${n(p.missingImages)} missing` : ""}`,
    );
    if (p.missing.length > 0)
      lines.push(
        `  missing (${p.missingImages > p.missing.length ? `first ${p.missing.length} of ${n(p.missingImages)}` : p.missing.length}):`,
        ...p.missing.map((m) => `    ${e(m)}`),
      );
  }
  if (i.webLink) lines.push(`  OMERO.web:  ${i.webLink}`);
  if (i.notes?.length)
    lines.push(`  history (${i.notes.length}):`, ...i.notes.map((n) => `    ${n.at} ${e(n.kind)}: ${e(n.text)}`));
  lines.push(`  files (${i.files.length}):`, ...i.files.map((f) => `    ${e(f)}`));
  if (i.images?.length) {
    lines.push(`  images (${i.images.length}):`);
    for (const im of i.images) {
      lines.push(
        `    ${e(im.name)}: ${im.sizeX}x${im.sizeY}, Z=${im.sizeZ} C=${im.sizeC} T=${im.sizeT}, ${e(im.pixelType)}`,
      );
    }
  }
  return lines.join("\n");
}

/** An import id as `imports list` shows it: digits only (no 1e3, 0x10, 1.0), 1 or more. */
export function parseId(raw: unknown): number {
  const s = String(raw).trim();
  const id = /^\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1)
    throw new UsageError(
      `"${escapeName(String(raw))}" is not an import id; give the number shown by omero-fs imports list (e.g. omero-fs imports show 12)`,
    );
  return id;
}

async function retry(home: string, id: number, method: "retry" | "release", json: boolean): Promise<void> {
  const r = await throughDropBox(home, {
    what: "",
    method,
    params: { id },
    timeoutMs: 10_000,
    direct: (ledger, file) => (method === "release" ? ledger.releaseImport : ledger.requeueImport)(file, id),
  });
  if (json) {
    const via = r.running ? "DropBox" : "ledger";
    printJson(ImportActionJsonSchema, { id: r.result.id, state: r.result.state, via }, `imports ${method}`);
    return;
  }
  const said =
    method === "release"
      ? `import ${r.result.id} released: imported as it is once its files are finished`
      : `import ${r.result.id} ${r.result.state}`;
  process.stdout.write(r.running ? `${said}\n` : `${said} (DropBox is not running: it imports it when it starts)\n`);
}

/** `imports cancel ID`: through the running DropBox (it ends a running import), else in the ledger. */
async function cancel(home: string, id: number, json: boolean): Promise<void> {
  const r = await throughDropBox(home, {
    what: "",
    method: "cancel",
    params: { id },
    timeoutMs: 30_000,
    direct: (ledger, file) => ledger.cancelImport(file, id),
  });
  const result = r.result;
  if (json) {
    const via = r.running ? "DropBox" : "ledger";
    printJson(ImportActionJsonSchema, { id: result.id, state: result.state, via }, "imports cancel");
    return;
  }
  process.stdout.write(
    `import ${result.id} cancelled: not imported (omero-fs imports retry ${result.id} queues it again)${r.running ? "" : " (DropBox is not running: written to the ledger)"}\n`,
  );
}

export const importsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "imports",
  describe: "What DropBox imported, is importing or failed to import: list, show, retry, release, cancel",
  builder: (y) =>
    y
      .command<ListArgs>(
        "list",
        "List imports (filesets), oldest first",
        (yy) =>
          yy
            .option("json", { type: "boolean", describe: "Print the --json contract shape (an array)" })
            .option("user", { type: "string", describe: "Only this user's imports" })
            .option("state", {
              type: "string",
              describe: `Only imports in this state (${IMPORT_STATES.join(", ")})`,
            }),
        async (a) => {
          const state = checkState("import", a.state);
          if (!ledgerExists(homeOf(a))) {
            // A fresh home: nothing seen yet is an empty list, not an error (scripts poll this).
            process.stdout.write(a.json ? "[]\n" : `no imports yet (no DropBox has run in ${homeOf(a)})\n`);
            return;
          }
          const view = openView(homeOf(a));
          try {
            const f = { user: a.user, state };
            if (a.json) {
              // SQLite writes each element's JSON; it streams out as it comes (60 MB for 100,000).
              await writeChunks(importsListJson(view, f, await webUrlOf(homeOf(a))));
              return;
            }
            const imports = [...view.importRows(f)];
            if (imports.length === 0) process.stdout.write("no imports\n");
            else await writeChunks(listTable(imports));
          } finally {
            view.close();
          }
        },
      )
      .command<GlobalArgs & { id: string; json?: boolean }>(
        "show <id>",
        "One import: its files, attempts, error, where it was stored, its images",
        (yy) =>
          yy
            .positional("id", { type: "string", describe: "import id (see imports list)", demandOption: true })
            .option("json", { type: "boolean", describe: "Print the --json contract shape (one object)" }),
        async (a) => {
          const id = parseId(a.id);
          const webUrl = await webUrlOf(homeOf(a));
          const view = openView(homeOf(a));
          try {
            const text = a.json ? importShowJson(view, id, webUrl) : null;
            const i = a.json ? null : importShow(view, id, webUrl);
            if (!text && !i) throw new CliError(`no import with id ${id} (see: omero-fs imports list)`);
            process.stdout.write(text ?? `${showText(i!)}\n`);
          } finally {
            view.close();
          }
        },
      )
      .command<GlobalArgs & ManyArgs & { id?: string; json?: boolean }>(
        "retry [id]",
        "Queue a failed import again (through DropBox when it runs, else in the ledger); --state failed for many",
        (yy) =>
          manyOptions(yy.positional("id", { type: "string", describe: "import id" }), "failed").option("json", {
            type: "boolean",
            describe:
              "Print the --json contract shape (one id: {id, state, via}; --state: {selected, done, refused, via})",
          }),
        (a) =>
          a.id !== undefined && a.state === undefined
            ? retry(homeOf(a), parseId(a.id), "retry", !!a.json)
            : applyMany(homeOf(a), "retry", onlyMany(a), importerOf(homeOf(a))),
      )
      .command<GlobalArgs & ManyArgs & { id?: string; json?: boolean }>(
        "release [id]",
        "Import an incomplete (or still waiting) fileset as it is, without the files its index lists that never came; --state incomplete for many",
        (yy) =>
          manyOptions(yy.positional("id", { type: "string", describe: "import id" }), "incomplete").option("json", {
            type: "boolean",
            describe:
              "Print the --json contract shape (one id: {id, state, via}; --state: {selected, done, refused, via})",
          }),
        (a) =>
          a.id !== undefined && a.state === undefined
            ? retry(homeOf(a), parseId(a.id), "release", !!a.json)
            : applyMany(homeOf(a), "release", onlyMany(a), importerOf(homeOf(a))),
      )
      .command<GlobalArgs & ManyArgs & { ids?: string[] }>(
        "reimport [ids..]",
        "Import again filesets imported before the importer changed (e.g. the local trial, now OMERO): by id, or --importer local for all of them; recorded in each one's history, never automatic",
        (yy) =>
          manyOptions(yy.positional("ids", { type: "string", array: true, describe: "import ids" }), "imported")
            .option("importer", {
              type: "string",
              describe: "only those imported by this importer (local, omero, exec)",
            })
            .option("json", {
              type: "boolean",
              describe: "Print the --json contract shape ({selected, done, refused, via})",
            }),
        async (a) => {
          const home = homeOf(a);
          if (a.ids && a.ids.length > 0) {
            if (a.state !== undefined || a.importer !== undefined || a.user !== undefined || a.since !== undefined)
              throw new CliError("give import ids or a selection (--importer, --user, --since), not both");
            const ids = a.ids.map(parseId);
            const r = await applyIds(home, "reimport", ids, await importerOf(home)());
            if (a.json) {
              process.stdout.write(manyJson(ids.length, r));
              if (r.refused.length > 0) process.exitCode = 1;
              return;
            }
            for (const id of r.done)
              process.stdout.write(
                `import ${id} queued to be imported again${r.running ? "" : " (DropBox is not running: it imports it when it starts)"}\n`,
              );
            if (r.refused.length > 0)
              throw new CliError(r.refused.map(([id, why]) => `import ${id}: ${why}`).join("\n"));
            return;
          }
          if (a.importer === undefined && a.state === undefined)
            throw new CliError(
              "give import ids, or --importer local (every fileset the local importer imported) with --yes to import them again with the configured importer",
            );
          await applyMany(home, "reimport", a, importerOf(home));
        },
      )
      .command<GlobalArgs & { id: string; json?: boolean }>(
        "cancel <id>",
        "Stop an import: a running one is ended (its process group killed), a waiting or queued one is not started; retry queues it again",
        (yy) =>
          yy
            .positional("id", { type: "string", describe: "import id", demandOption: true })
            .option("json", { type: "boolean", describe: "Print the --json contract shape ({id, state, via})" }),
        (a) => cancel(homeOf(a), parseId(a.id), !!a.json),
      )
      .demandCommand(1, "Give an imports subcommand: list, show, retry, release, cancel or reimport."),
  handler: () => undefined,
};
