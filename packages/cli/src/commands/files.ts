import { FileJsonSchema } from "@omero-fs/protocol";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { table, truncate } from "../format";
import { checkContract, checkState, openView } from "../ledger-access";

interface ListArgs extends GlobalArgs {
  json?: boolean;
  user?: string;
  state?: string;
}

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
        "List files: path, user, size, state (pending, grouped, imported, ignored, refused), reason, fileset",
        (yy) =>
          yy
            .option("json", { type: "boolean", describe: "Print the --json contract shape (an array)" })
            .option("user", { type: "string", describe: "Only this user's files" })
            .option("state", {
              type: "string",
              describe: "Only files in this state (pending, grouped, imported, ignored, refused)",
            }),
        (a) => {
          const state = checkState("file", a.state);
          const view = openView(homeOf(a));
          try {
            const files = view.listFiles({ user: a.user, state });
            if (a.json) {
              checkContract("files list", files, FileJsonSchema);
              process.stdout.write(`${JSON.stringify(files)}\n`);
            } else if (files.length === 0) {
              process.stdout.write("no files\n");
            } else {
              const rows = files.map((f) => [
                f.state,
                f.user,
                size(f.size),
                f.fileset === null ? "-" : String(f.fileset),
                f.path,
                f.reason ? truncate(f.reason, 60) : "",
              ]);
              process.stdout.write(`${table(["STATE", "USER", "SIZE", "IMPORT", "PATH", "REASON"], rows)}\n`);
              process.stdout.write(`${files.length} file${files.length === 1 ? "" : "s"}\n`);
            }
          } finally {
            view.close();
          }
        },
      )
      .demandCommand(1, "Give a files subcommand: list."),
  handler: () => undefined,
};
