import yargs from "yargs";
import { OMERO_FS_VERSION } from "@omero-fs/protocol";
import type { CommandModule } from "yargs";
import { CliError } from "./errors";
import { escapeName } from "./format";

// Each verb's module is required only when that verb runs (all of them for help and completion):
// the servers, the config loader and SQLite are heavy, and a command that talks to a running node
// must start in under 300 ms (docs/ARCHITECTURE.md, "CLI contracts").
// biome-ignore lint/suspicious/noExplicitAny: command modules have their own argument types
type AnyCommand = CommandModule<any, any>;
const COMMANDS: [verb: string, load: () => AnyCommand][] = [
  ["admin", () => require("./commands/admin").adminCommand],
  ["config", () => require("./commands/config").configCommand],
  ["imports", () => require("./commands/imports").importsCommand],
  ["files", () => require("./commands/files").filesCommand],
  ["dropbox", () => require("./commands/dropbox").dropboxCommand],
  ["logs", () => require("./commands/logs").logsCommand],
  ["monitor-server", () => require("./commands/monitor-server").monitorServerCommand],
  ["curve", () => require("./commands/curve").curveCommand],
  ["omero", () => require("./commands/omero").omeroCommand],
];

/** The positional words of argv (verb, subcommand...), skipping options and the value of --home. */
function positionals(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--home") i++;
    else if (!a.startsWith("-")) out.push(a);
  }
  return out;
}

function commandsFor(argv: string[]): AnyCommand[] {
  const verb = positionals(argv)[0];
  const one = COMMANDS.find(([v]) => v === verb);
  return one ? [one[1]()] : COMMANDS.map(([, load]) => load());
}

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
    .command(commandsFor(argv))
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
      // The help of the command that was meant: only words that are commands (not a mistyped verb).
      const words = positionals(argv);
      const known = COMMANDS.some(([v]) => v === words[0]) ? words.slice(0, 2).join(" ") : "";
      process.stderr.write(`omero-fs: ${msg}\n(see omero-fs ${known ? `${known} ` : ""}--help)\n`);
      process.exit(1);
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    const message = e instanceof CliError || e instanceof Error ? e.message : String(e);
    // A message may quote a name or a value: each line is escaped like the tables (escapeName).
    const [first, ...rest] = message.split("\n").map(escapeName);
    process.stderr.write(`omero-fs: ${first}\n`);
    if (rest.length) process.stderr.write(`${rest.join("\n")}\n`);
    process.exit(e instanceof CliError ? e.exitCode : 1);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2));
}
