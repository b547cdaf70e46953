/**
 * `imports retry --state failed`, `imports release --state incomplete`, `imports reimport` (issue
 * 20): many imports at once, with their count and a confirmation (`--yes` for scripts). Each goes
 * through the running DropBox (its control socket, one call per import) or, when it does not run,
 * into the ledger; the next start imports them.
 */
import { homePaths } from "@omero-fs/config/home";
import { describeSelection, parseSince, type Selection, selectImports } from "../core/selection";
import { type ImportsManyJson, ImportsManyJsonSchema } from "@omero-fs/protocol";
import { CliError } from "../errors";
import { openView } from "../ledger-access";
import { callDropBox, dropboxEndpoint } from "../dropbox-access";

export type Action = "retry" | "release" | "reimport";

export interface ManyArgs {
  state?: string;
  user?: string;
  since?: string;
  importer?: string;
  yes?: boolean;
  json?: boolean;
}

/** What was done, as `--json` prints it (ImportsManyJsonSchema). */
export function manyJson(
  selected: number,
  r: { done: number[]; refused: [number, string][]; running: boolean },
): string {
  const doc: ImportsManyJson = {
    selected,
    done: r.done,
    refused: r.refused.map(([id, why]) => ({ id, why })),
    via: r.running ? "DropBox" : "ledger",
  };
  return `${JSON.stringify(ImportsManyJsonSchema.parse(doc))}\n`;
}

const VERB: Record<Action, string> = { retry: "Retry", release: "Release", reimport: "Import again" };

/** The selection of `args`, checked: the state each action takes. */
export function selectionOf(action: Action, a: ManyArgs, now = Date.now()): Selection {
  const allowed = { retry: ["failed"], release: ["incomplete", "waiting"], reimport: ["imported"] }[action];
  const state = a.state ?? (action === "reimport" ? "imported" : undefined);
  if (state === undefined)
    throw new CliError(
      `give an import id, or --state ${allowed[0]} to ${action} many (see omero-fs imports ${action} --help)`,
    );
  if (!allowed.includes(state))
    throw new CliError(
      `imports ${action} --state ${state}: only ${allowed.join(" or ")} imports can be ${action === "retry" ? "retried" : action === "release" ? "released" : "imported again"}`,
    );
  let sinceMs: number | undefined;
  if (a.since !== undefined) {
    try {
      sinceMs = parseSince(a.since, now);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  return { state, user: a.user, sinceMs, importer: a.importer };
}

/** Ask on a terminal; a script must say --yes. */
async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY)
    throw new CliError(`${question}: not confirmed (stdin is not a terminal); add --yes to do it from a script`);
  const rl = (require("node:readline") as typeof import("node:readline")).createInterface({
    input: process.stdin,
    output: process.stdout,
  });
  try {
    const answer = await new Promise<string>((r) => rl.question(`${question}? [y/N] `, r));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Select, count, confirm, apply; prints what was done and what was refused (with why). */
export async function applyMany(
  home: string,
  action: Action,
  a: ManyArgs,
  importerNow: () => Promise<string>,
): Promise<void> {
  const sel = selectionOf(action, a);
  const view = openView(home);
  let ids: number[];
  try {
    const all = view.listImports({ user: sel.user, state: sel.state }).map((i) => {
      const runs = view.attempts(i.id);
      return { ...i, lastRunAt: runs.at(-1)?.finishedAt ?? null };
    });
    ids = selectImports(all, sel).map((i) => i.id);
  } finally {
    view.close();
  }
  const what = describeSelection(ids.length, sel);
  if (ids.length === 0) {
    process.stdout.write(
      a.json
        ? manyJson(0, { done: [], refused: [], running: false })
        : `no ${what.replace(/^0 /, "")}: nothing to do\n`,
    );
    return;
  }
  if (!(await confirm(`${VERB[action]} ${what}`, a.yes === true))) {
    process.stdout.write("nothing done\n");
    return;
  }
  const r = await applyIds(home, action, ids, action === "reimport" ? await importerNow() : null);
  if (a.json) {
    process.stdout.write(manyJson(ids.length, r));
    if (r.refused.length > 0) process.exitCode = 1;
    return;
  }
  process.stdout.write(
    `${r.done.length} of ${ids.length} ${action === "retry" ? "queued again" : action === "release" ? "released" : "queued to be imported again"}${r.running ? "" : " (DropBox is not running: it imports them when it starts)"}\n`,
  );
  for (const [id, why] of r.refused) process.stdout.write(`  import ${id} not changed: ${why}\n`);
  if (r.refused.length > 0) process.exitCode = 1;
}

/** Apply `action` to each id: through the running DropBox, else in the ledger (dropbox-access.ts). */
export async function applyIds(
  home: string,
  action: Action,
  ids: number[],
  importer: string | null,
): Promise<{ done: number[]; refused: [number, string][]; running: boolean }> {
  const done: number[] = [];
  const refused: [number, string][] = [];
  const endpoint = await dropboxEndpoint(home);
  const ledger = endpoint ? null : (require("@omero-fs/dropbox/ledger") as typeof import("@omero-fs/dropbox/ledger"));
  const file = homePaths(home).ledger;
  for (const id of ids) {
    try {
      if (endpoint) await callDropBox(home, endpoint, action, { id }, 10_000, "");
      else if (action === "retry") ledger!.requeueImport(file, id);
      else if (action === "release") ledger!.releaseImport(file, id);
      else ledger!.reimportImport(file, id, importer!);
      done.push(id);
    } catch (e) {
      refused.push([id, (e as Error).message.split("\n")[0]!]);
    }
  }
  return { done, refused, running: endpoint !== null };
}
