/**
 * The --json documents of `imports list`, `imports show` and `files show`, built once for the CLI
 * and the node's JSON API (GET /api/imports, /api/imports/:id, /api/files?path=), so both print
 * the same bytes.
 */
import * as path from "node:path";
import type { LedgerView, ListFilter } from "@omero-fs/dropbox/ledger";
import { omeroWebLink } from "@omero-fs/dropbox/omero";
import { type FileShowJson, FileShowJsonSchema, type ImportJson, ImportJsonSchema } from "@omero-fs/protocol";
import { checkContract, jsonArray } from "./ledger-access";

/** `imports list --json`: the array, in parts (SQLite writes each element), newline-terminated. */
export function importsListJson(view: LedgerView, f: ListFilter, webUrl = ""): Generator<string> {
  const items = webUrl ? withWebLinks(view.importsJson(f), webUrl) : view.importsJson(f);
  return jsonArray("imports list", items, view.countImports(f), ImportJsonSchema);
}

/** Each element with its OMERO.web link (only when omero.fs.webUrl is set: the plain list is SQLite's text). */
function* withWebLinks(items: IterableIterator<string>, webUrl: string): Generator<string> {
  for (const text of items) {
    const i = JSON.parse(text) as ImportJson;
    yield JSON.stringify({ ...i, webLink: omeroWebLink(webUrl, i.state === "imported" ? i.target : null) });
  }
}

/** One import as `imports show` has it: its OMERO.web link and its notes. */
export function importShow(view: LedgerView, id: number, webUrl = ""): ImportJson | null {
  const i = view.getImport(id);
  if (!i) return null;
  const notes = view.notes(id);
  return {
    ...i,
    ...(webUrl ? { webLink: omeroWebLink(webUrl, i.state === "imported" ? i.target : null) } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** `imports show ID --json`, or null when there is no such import. */
export function importShowJson(view: LedgerView, id: number, webUrl = ""): string | null {
  const i = importShow(view, id, webUrl);
  if (!i) return null;
  checkContract("imports show", [i], ImportJsonSchema);
  return `${JSON.stringify(i, null, 2)}\n`;
}

/**
 * The paths a user's PATH may mean, in order: an absolute path as is; a relative one against the
 * current directory (the CLI's; none for the API), then against each watch directory
 * (`amy/exp1/cells.tif` under the DropBox tree).
 */
export function pathCandidates(raw: string, cwd: string | null, watchDirs: string[]): string[] {
  if (path.isAbsolute(raw)) return [path.resolve(raw)];
  const out: string[] = [];
  if (cwd) out.push(path.resolve(cwd, raw));
  for (const w of watchDirs) out.push(path.resolve(w, raw));
  return [...new Set(out)];
}

/** The `files show` document for the first candidate the ledger knows, or null. */
export function fileShow(view: LedgerView, candidates: string[]): FileShowJson | null {
  const found = view.findFile(candidates);
  if (!found) return null;
  const imp = found.file.fileset === null ? null : view.getImport(found.file.fileset);
  const doc: FileShowJson = {
    ...found.file,
    renamedFrom: found.renamedFrom,
    import: imp,
    target: imp?.target ?? null,
    history: imp ? view.attempts(imp.id) : [],
  };
  const also = view.sharedBy(found.file.path).flatMap((id) => view.getImport(id) ?? []);
  if (also.length > 0) doc.alsoIn = also;
  return doc;
}

/** `files show PATH --json` text, or null when the ledger knows none of the candidates. */
export function fileShowJson(view: LedgerView, candidates: string[]): string | null {
  const doc = fileShow(view, candidates);
  if (!doc) return null;
  checkContract("files show", [doc], FileShowJsonSchema);
  return `${JSON.stringify(doc, null, 2)}\n`;
}
