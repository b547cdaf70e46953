import yargs from "yargs";
import { OMERO_FS_VERSION } from "@omero-fs/protocol";
import { adminCommand } from "./commands/admin";
import { configCommand } from "./commands/config";
import { dropboxCommand } from "./commands/dropbox";
import { filesCommand } from "./commands/files";
import { importsCommand } from "./commands/imports";
import { logsCommand } from "./commands/logs";
import { monitorServerCommand } from "./commands/monitor-server";
import { CliError } from "./errors";

/** Entry point of `omero-fs`. Every command module owns one top-level verb. */
export async function main(argv: string[]): Promise<void> {
  const parser = yargs(argv)
    .scriptName("omero-fs")
    .usage("$0 [--home DIR] <command>\n\nWatch-folder import for OMERO (OMERO.dropbox and the OMERO.fs MonitorServer).")
    .option("home", {
      type: "string",
      describe: "omero-fs home directory (default: $OMERO_FS_HOME, else ~/.omero-fs)",
      global: true,
    })
    .command(adminCommand)
    .command(configCommand)
    .command(importsCommand)
    .command(filesCommand)
    .command(dropboxCommand)
    .command(logsCommand)
    .command(monitorServerCommand)
    .demandCommand(1, "Give a command: see the list above.")
    .recommendCommands()
    .strict()
    .completion("completion", "Print a bash/zsh completion script")
    .version(OMERO_FS_VERSION)
    .help()
    .alias("h", "help")
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err, y) => {
      if (err) throw err;
      // Usage errors: the message on one line, and the help of the command that was meant.
      if (argv.length === 0) {
        y.showHelp("log");
        process.exit(1);
      }
      process.stderr.write(
        `omero-fs: ${msg}\n(see omero-fs ${argv
          .filter((a) => !a.startsWith("-"))
          .slice(0, 2)
          .join(" ")} --help)\n`,
      );
      process.exit(1);
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    const message = e instanceof CliError || e instanceof Error ? e.message : String(e);
    process.stderr.write(`omero-fs: ${message.split("\n")[0]}\n`);
    const rest = message.split("\n").slice(1).join("\n");
    if (rest) process.stderr.write(`${rest}\n`);
    process.exit(e instanceof CliError ? e.exitCode : 1);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2));
}
