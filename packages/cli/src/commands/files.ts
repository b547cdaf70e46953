import { FileJsonSchema } from "@omero-fs/protocol";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { cell, tableChunks, textCell } from "../format";
import { checkState, jsonArray, ledgerExists, openView } from "../ledger-access";
import { writeChunks } from "../stdout";

interface ListArgs extends GlobalArgs {
  json?: boolean;
  user?: string;
  state?: string;
}

/** The REASON cell of an `existing` file (its full reason, with the command, is in --json and files show). */
const EXISTING_CELL = "already there at the first walk (dropbox import-existing)";

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

export const filesCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "files",
  describe: "Every file DropBox has seen and what became of it",
  builder: (y) =>
    y
      .command<ListArgs>(
        "list",
        "List files: path, user, size, state (pending, grouped, imported, ignored, refused, existing), reason, fileset",
        (yy) =>
          yy
            .option("json", { type: "boolean", describe: "Print the --json contract shape (an array)" })
            .option("user", { type: "string", describe: "Only this user's files" })
            .option("state", {
              type: "string",
              describe: "Only files in this state (pending, grouped, imported, ignored, refused, existing)",
            }),
        async (a) => {
          const state = checkState("file", a.state);
          if (!ledgerExists(homeOf(a))) {
            // A fresh home: nothing seen yet is an empty list, not an error (scripts poll this).
            process.stdout.write(a.json ? "[]\n" : `no files yet (no DropBox has run in ${homeOf(a)})\n`);
            return;
          }
          const view = openView(homeOf(a));
          try {
            const f = { user: a.user, state };
            if (a.json) {
              // SQLite writes each element's JSON; it streams out as it comes.
              await writeChunks(jsonArray("files list", view.filesJson(f), view.countFiles(f), FileJsonSchema));
              return;
            }
            const rows: string[][] = [];
            let existing = 0;
            for (const x of view.iterateFiles(f)) {
              // The full reason ends with the command and the path (--json, files show); the row has the path.
              if (x.state === "existing") existing += 1;
              rows.push([
                x.state,
                cell(x.user),
                size(x.size),
                x.fileset === null ? "-" : String(x.fileset),
                cell(x.path),
                x.state === "existing" ? EXISTING_CELL : textCell(x.reason, 60),
              ]);
            }
            if (rows.length === 0) {
              process.stdout.write("no files\n");
              return;
            }
            const n = rows.length;
            await writeChunks(
              (function* () {
                yield* tableChunks(["STATE", "USER", "SIZE", "IMPORT", "PATH", "REASON"], rows);
                yield `${n} file${n === 1 ? "" : "s"}\n`;
                if (existing > 0)
                  yield `${existing.toLocaleString("en-US")} of them ${existing === 1 ? "was" : "were"} already in the DropBox at the first walk and ${existing === 1 ? "is" : "are"} not imported; import them with: omero-fs dropbox import-existing [PATH]\n`;
              })(),
            );
          } finally {
            view.close();
          }
        },
      )
      .command(require("./files-show").filesShowCommand)
      .command(require("./files-plan").filesPlanCommand)
      .demandCommand(1, "Give a files subcommand: list, show or plan."),
  handler: () => undefined,
};
