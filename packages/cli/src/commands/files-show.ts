import type { FileShowJson } from "@omero-fs/protocol";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError } from "../errors";
import { escapeName } from "../format";
import { fileShow, fileShowJson, pathCandidates } from "../json-output";
import { openView } from "../ledger-access";

interface ShowArgs extends GlobalArgs {
  path: string;
  json?: boolean;
}

/** Every name and message escaped (escapeName): a newline in a name forges no line, no ESC reaches the terminal. */
function showText(d: FileShowJson): string {
  const e = escapeName;
  const lines = [e(d.path)];
  if (d.renamedFrom) lines.push(`  renamed from: ${e(d.renamedFrom)}`);
  lines.push(
    `  user:     ${e(d.user) || "-"}`,
    `  size:     ${d.size} bytes, modified ${d.mtime}`,
    `  state:    ${d.state}`,
  );
  if (d.reason) lines.push(`  reason:   ${e(d.reason)}`);
  const i = d.import;
  if (!i) {
    lines.push("  import:   - (in no fileset)");
    return lines.join("\n");
  }
  lines.push(
    `  import:   ${i.id} (${i.state}; ${i.files.length} file${i.files.length === 1 ? "" : "s"}, entry ${e(i.entry)})`,
    `  target:   ${d.target ? e(d.target) : "-"}`,
  );
  if (i.error) lines.push(`  error:    ${e(i.error)}`);
  for (const a of d.alsoIn ?? [])
    lines.push(
      `  also in:  import ${a.id} (${a.state}; entry ${e(a.entry)}): Bio-Formats uses this file in both filesets`,
    );
  if (d.history.length === 0) lines.push("  history:  no importer run yet");
  else {
    lines.push("  history:");
    for (const h of d.history) {
      const tail = h.result === "failed" ? `: ${e(h.error ?? "?")}` : h.target ? ` -> ${e(h.target)}` : "";
      lines.push(
        `    attempt ${h.attempt} (${h.importer}) ${h.startedAt} .. ${h.finishedAt ?? "now"}: ${h.result}${tail}`,
      );
    }
  }
  return lines.join("\n");
}

/** `files show PATH [--json]`: one file as dropped, its fileset, state, reason, target and history. */
export const filesShowCommand: CommandModule<GlobalArgs, ShowArgs> = {
  command: "show <path>",
  describe: "One file (as dropped, also after a rename or move): its import, state, reason, target and history",
  builder: (yy) =>
    yy
      .positional("path", {
        type: "string",
        describe: "the file: absolute, relative to here, or relative to the watch directory (amy/exp1/x.tif)",
        demandOption: true,
      })
      .option("json", { type: "boolean", describe: "Print the --json contract shape (one object)" }) as never,
  handler: async (a) => {
    const home = homeOf(a);
    const { loadConfigOrThrow } = await import("@omero-fs/config");
    const watchDirs = loadConfigOrThrow({ home }).watches.map((w) => w.watchDir);
    const candidates = pathCandidates(a.path, process.cwd(), watchDirs);
    const view = openView(home);
    try {
      const text = a.json ? fileShowJson(view, candidates) : null;
      const doc = a.json ? null : fileShow(view, candidates);
      if (!text && !doc)
        throw new CliError(
          `DropBox has not seen ${candidates.join(" or ")} (not in the ledger; see: omero-fs files list)`,
        );
      process.stdout.write(text ?? `${showText(doc!)}\n`);
    } finally {
      view.close();
    }
  },
};
