import yargs from "yargs";
import { OMERO_FS_VERSION } from "@omero-fs/protocol";
import type { Argv, CommandModule } from "yargs";
import { type UsageContext, usageMessage } from "./core/usage";
import { CliError, EXIT_USAGE, UsageError } from "./errors";
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

/** `omero-fs help [command...]` is `omero-fs [command...] --help`. */
function helpVerb(argv: string[]): string[] {
  const i = argv.findIndex((a, k) => !a.startsWith("-") && argv[k - 1] !== "--home");
  return i >= 0 && argv[i] === "help" ? [...argv.slice(0, i), ...argv.slice(i + 1), "--help"] : argv;
}

interface YargsInternals {
  getInternalMethods(): {
    getContext(): { commands: string[]; fullCommands: string[] };
  };
  getOptions(): {
    key: Record<string, unknown>;
    alias: Record<string, string[]>;
    string: string[];
    number: string[];
    array: string[];
    choices: Record<string, string[]>;
  };
}

interface UsageInstance {
  getCommands(): [string, ...unknown[]][];
  showHelp(level: string): void;
}

/** Where the parser stopped, and what that command accepts (for usageMessage). */
function usageContext(parser: Argv, usage: UsageInstance): UsageContext {
  const y = parser as unknown as YargsInternals;
  const ctx = y.getInternalMethods().getContext();
  const o = y.getOptions();
  const positionals: UsageContext["positionals"] = [];
  const full = ctx.fullCommands[ctx.fullCommands.length - 1] ?? "";
  for (const m of full.matchAll(/([<[])([^>\]]+)[>\]]/g)) positionals.push({ name: m[2]!, required: m[1] === "<" });
  const takesValue = (k: string) => o.string.includes(k) || o.number.includes(k) || o.array.includes(k);
  const options = new Map<string, boolean>();
  for (const k of Object.keys(o.key)) {
    if (positionals.some((p) => p.name === k)) continue;
    options.set(k, takesValue(k));
    for (const a of o.alias[k] ?? []) options.set(a, takesValue(k));
  }
  return {
    path: ctx.commands,
    subcommands: usage
      .getCommands()
      .map((c) => String(c[0]).split(" ")[0]!)
      .filter((c) => c !== "$0"),
    options,
    positionals,
    choices: new Map(Object.entries(o.choices ?? {})),
  };
}

/** Print a usage error (one line saying what is wrong, then which help to read) and exit 2. */
function usageExit(message: string): never {
  const [first, ...rest] = message.split("\n").map(escapeName);
  process.stderr.write(`omero-fs: ${first}\n${rest.length ? `${rest.join("\n")}\n` : ""}`);
  process.exit(EXIT_USAGE);
}

/** Entry point of `omero-fs`. Every command module owns one top-level verb. */
export async function main(rawArgv: string[]): Promise<void> {
  const argv = helpVerb(rawArgv);
  const parser: Argv = yargs(argv)
    .scriptName("omero-fs")
    .locale("en")
    .usage("$0 [--home DIR] <command>\n\nWatch-folder import for OMERO (OMERO.dropbox and the OMERO.fs MonitorServer).")
    .option("home", {
      type: "string",
      describe: "omero-fs home directory (default: $OMERO_FS_HOME, else ~/.omero-fs)",
      global: true,
    })
    .command(commandsFor(argv))
    .demandCommand(1, "Give a command: see the list above.")
    .strict()
    .completion("completion", "Print a bash/zsh completion script")
    .version(OMERO_FS_VERSION)
    .help()
    .alias("h", "help")
    .wrap(Math.min(110, process.stdout.columns || 100))
    // A number option given something else (`--lines ten`) is a usage error, not NaN.
    .middleware((a) => {
      const o = (parser as unknown as YargsInternals).getOptions();
      const see = `(see omero-fs ${(a._ as string[]).join(" ")} --help)`;
      for (const k of o.number)
        if (typeof a[k] === "number" && Number.isNaN(a[k])) throw new UsageError(`--${k} needs a number ${see}`);
      // `--user` at the end, or followed by another option, parses as "": say it needs its value.
      for (const k of o.string)
        if (a[k] === "" && [k, ...(o.alias[k] ?? [])].some((n) => argv.includes(n.length > 1 ? `--${n}` : `-${n}`)))
          throw new UsageError(`--${k} needs a value ${see}`);
    }, true)
    .fail((msg, err, usage) => {
      if (err && !msg) throw err;
      if (err instanceof CliError) throw err;
      const u = usage as unknown as UsageInstance;
      const ctx = usageContext(parser, u);
      // No command at all: the list of commands is the answer.
      if (ctx.path.length === 0 && positionals(argv).length === 0) {
        u.showHelp("error");
        process.exit(EXIT_USAGE);
      }
      usageExit(usageMessage(msg, argv, ctx));
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
