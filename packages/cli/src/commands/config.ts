import {
  ConfigStoreError,
  defaultRaw,
  didYouMeanSuffix,
  envNameOf,
  findProperty,
  homePaths,
  type LoadResult,
  loadConfig,
  OMERO_UNUSED_PROPERTIES,
  type OmeroFsConfig,
  PASSWORD_PROPERTY,
  PROPERTIES,
  type PropertyDef,
  readConfigJson,
  reloadClass,
  splitSlots,
  validateRaw,
  writeConfigJson,
} from "@omero-fs/config";
import {
  type ConfigChangeJson,
  ConfigChangeJsonSchema,
  type ConfigCheckJson,
  ConfigGetJsonSchema,
} from "@omero-fs/protocol";
import type { Argv, CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { slotReport, valueForAll } from "../config-slots";
import { CliError, UsageError } from "../errors";
import { escapeName } from "../format";
import { ledgerExists } from "../ledger-access";
import { findNode } from "../node/records";
import { printJson } from "../print";
import { dirState, watchDirProblems } from "../watch-dirs";

/** `omero-fs config list | get KEY | set KEY VALUE | unset KEY | check [--json]` (docs/ARCHITECTURE.md, "CLI contracts"). */

const WATCH_PROPS = PROPERTIES.filter((p) => p.scope === "watch" && p.short !== "importUsers");
const GLOBAL_PROPS = PROPERTIES.filter((p) => p.scope === "global");
/** Properties whose value is a secret: `list` and `check` say whether it is set, only `get` prints it. */
const SECRETS = new Set(["omero.fs.httpToken", "httpToken"]);
const hide = (name: string, value: unknown): unknown => (SECRETS.has(name) && value !== "" ? "(set, hidden)" : value);

function out(s: string): void {
  process.stdout.write(`${s}\n`);
}

/** The property a KEY names (full or short name), or a CliError with a did-you-mean. */
function propertyOf(key: string): PropertyDef {
  if (isPasswordKey(key)) throw passwordRefusal();
  const def = findProperty(key);
  if (def) return def;
  if (OMERO_UNUSED_PROPERTIES.includes(key))
    throw new CliError(`${key} is an OMERO property omero-fs does not use; nothing to set`);
  throw new UsageError(`unknown property ${key}${didYouMeanSuffix(key)}; see omero-fs config list`);
}

function isPasswordKey(key: string): boolean {
  const k = key.toLowerCase();
  return k === PASSWORD_PROPERTY.toLowerCase() || k === "omeropassword" || k === "omero.fs.password";
}

function passwordRefusal(): CliError {
  return new CliError(
    "the OMERO password is never stored in config.json; write it to a file readable only by you and set omero.fs.omeroPasswordFile to its path, or export OMERO_FS_OMERO_PASSWORD",
  );
}

/** Display form of a typed value. */
function show(v: unknown): string {
  if (Array.isArray(v)) return v.length ? escapeName(v.join(",")) : "-";
  if (v === "" || v === null) return "-";
  // omero.fs.monitorPathMap, as it is written.
  if (typeof v === "object" && "remote" in v && "local" in v) return escapeName(`${v.remote}=${v.local}`);
  return escapeName(String(v));
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

function watchJson(cfg: OmeroFsConfig | null): ConfigCheckJson["watches"] {
  if (!cfg) return [];
  return cfg.watches.map((w) => {
    const o: Record<string, unknown> = { user: w.user, watchDir: w.watchDir, index: w.index };
    for (const def of WATCH_PROPS) o[def.short] = w[def.short as keyof typeof w];
    return o as ConfigCheckJson["watches"][number];
  });
}

function printCheck(r: LoadResult): void {
  const cfg = r.effective;
  if (cfg) {
    const header = ["property", ...cfg.watches.map((w) => `watch ${w.index + 1}`)];
    const rows = [header, ["importUsers", ...cfg.watches.map((w) => w.user)]];
    for (const def of WATCH_PROPS)
      rows.push([def.short, ...cfg.watches.map((w) => show(w[def.short as keyof typeof w]))]);
    out(`${cfg.watches.length} watch${cfg.watches.length === 1 ? "" : "es"}:`);
    for (const line of table(rows)) out(`  ${line}`);
    out("global:");
    const grows = GLOBAL_PROPS.map((def) => [
      def.short,
      show(hide(def.short, cfg.global[def.short as keyof typeof cfg.global])),
    ]);
    for (const line of table(grows)) out(`  ${line}`);
  } else out("no configuration could be built");
  for (const n of r.notes) out(`note: ${escapeName(n)}`);
  for (const w of r.warnings) out(`warning: ${escapeName(w)}`);
  for (const p of r.problems) out(`error: ${escapeName(p.message)}`);
  if (!r.problems.length) out("configuration OK");
}

const listCommand: CommandModule<GlobalArgs, GlobalArgs & { json?: boolean }> = {
  command: "list",
  describe: "Every property with its effective value and source (default, templates.xml, config.json, env)",
  builder: (y) => y.option("json", { type: "boolean", describe: "JSON array" }),
  handler: (args) => {
    const home = homeOf(args);
    const r = loadConfig({ home });
    if (args.json) {
      out(
        JSON.stringify(
          r.values.map((v) => {
            const def = findProperty(v.name)!;
            return {
              name: v.name,
              short: def.short,
              scope: def.scope,
              value: hide(v.name, v.raw),
              source: v.source,
              origin: v.origin,
            };
          }),
          null,
          2,
        ),
      );
    } else {
      const rows = [["property", "value", "source"]];
      for (const v of r.values)
        rows.push([v.name, v.raw === "" ? '""' : escapeName(String(hide(v.name, v.raw))), v.origin]);
      for (const line of table(rows)) out(line);
    }
    // A file that could not be read shows as defaults above: never in silence.
    if (r.problems.length) {
      const n = r.problems.length;
      throw new CliError(
        `${n === 1 ? `configuration problem: ${r.problems[0]!.message}` : `${n} configuration problems, the first: ${r.problems[0]!.message}`} (all of them: omero-fs config check)`,
      );
    }
  },
};

const jsonOption = <T>(y: Argv<T>) =>
  y.option("json", { type: "boolean", describe: "Print the --json contract shape (one object)" });

const getCommand: CommandModule<GlobalArgs, GlobalArgs & { key: string; json?: boolean }> = {
  command: "get <key>",
  describe: "Print one property: the value stored in config.json, else the effective one",
  builder: (y) =>
    jsonOption(y).positional("key", { type: "string", demandOption: true, describe: "full or short name" }),
  handler: (args) => {
    const home = homeOf(args);
    const def = propertyOf(args.key);
    const stored = safeRead(home);
    const v =
      stored[def.name] !== undefined
        ? { raw: stored[def.name]!, origin: "config.json" }
        : loadConfig({ home }).values.find((x) => x.name === def.name);
    if (args.json)
      printJson(
        ConfigGetJsonSchema,
        { property: def.name, value: v?.raw ?? "", source: v?.origin ?? "default" },
        "config get",
      );
    else out(v?.raw ?? "");
  },
};

function safeRead(home: string): Record<string, string> {
  try {
    return readConfigJson(home);
  } catch (e) {
    if (e instanceof ConfigStoreError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * The VALUE of `config set KEY VALUE` exactly as given on the command line. yargs would read a
 * value such as importArgs' `-T "regex:..."` as options, so take the word after KEY (or after a
 * `--` following KEY) from the raw arguments.
 */
export function rawSetValue(argv: string[], key: string): string | undefined {
  const c = argv.indexOf("config");
  const s = argv.indexOf("set", c + 1);
  if (c < 0 || s < 0) return undefined;
  const k = argv.indexOf(key, s + 1);
  if (k < 0) return undefined;
  const rest = argv.slice(k + 1);
  // --all and --json are ours wherever they stand before a `--`; any other word is the value, even
  // one that starts with "-"; after `--` the next word is the value whatever it is.
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--") return rest[i + 1];
    if (rest[i] !== "--all" && rest[i] !== "--json") return rest[i];
  }
  return undefined;
}

/** The importUsers entries of a home's configuration (an empty entry is a skipped watch). */
function userSlots(home: string): string[] {
  const raw = loadConfig({ home }).values.find((v) => v.name === "omero.fs.importUsers")?.raw ?? "default";
  const slots = splitSlots(raw);
  return slots.every((u) => u === "") ? ["default"] : slots;
}

/** The raw value some source sets for a property now ("" when none does: the default). */
function effectiveRaw(home: string, name: string): string {
  const v = loadConfig({ home }).values.find((x) => x.name === name);
  return v && v.source !== "default" ? v.raw : "";
}

/**
 * When the node runs, say how the change reaches the servers: `admin reload` for a property it
 * applies live, `admin restart` for one only a start reads (reloadClass, the reload's own table).
 */
function noteIfRunning(home: string, name: string): string[] {
  const node = findNode(home);
  if (node.state !== "running" && node.state !== "starting") return [];
  if (reloadClass(name) === "live")
    return ["note: the node is running: apply it with omero-fs admin reload (the servers keep running)"];
  return [
    `note: the node is running; ${name} is read when the servers start: apply it with omero-fs admin restart (omero-fs admin reload does not apply it)`,
  ];
}

/** Print a config change: its lines, or the --json document (the first line is the change itself). */
function printChange(json: boolean | undefined, lines: string[], doc: Omit<ConfigChangeJson, "notes">): void {
  if (json) printJson(ConfigChangeJsonSchema, { ...doc, notes: lines.slice(1) }, "config set/unset");
  else for (const l of lines) out(l);
}

const setCommand: CommandModule<
  GlobalArgs,
  GlobalArgs & { key: string; value?: string; all?: boolean; json?: boolean }
> = {
  command: "set <key> [value]",
  describe: "Store a property in etc/config.json (wins over templates.xml)",
  builder: (y) =>
    y
      .positional("key", { type: "string", demandOption: true, describe: "full or short name" })
      .positional("value", { type: "string", describe: "raw value (`;` per watch, `,` items)" })
      .option("all", {
        type: "boolean",
        describe: "Per-watch property: the same value for every watch (stores it once per importUsers entry)",
      })
      .option("json", { type: "boolean", describe: "Print the --json contract shape (one object)" })
      // Keep "0.0", "True" and the like as typed, and do not reject a value that starts with "-"
      // as an unknown option (rawSetValue reads it as given).
      .parserConfiguration({
        "parse-numbers": false,
        "parse-positional-numbers": false,
        "unknown-options-as-args": true,
      }),
  handler: (args) => {
    const home = homeOf(args);
    const def = propertyOf(args.key);
    const value =
      rawSetValue(process.argv.slice(2), args.key) ?? (args.value === undefined ? undefined : String(args.value));
    if (value === undefined)
      throw new UsageError(`config set ${args.key}: give a value (use -- before a value that starts with -)`);
    const perWatch = def.scope === "watch" && def.kind !== "users";
    let stored = value;
    if (args.all) {
      if (!perWatch)
        throw new UsageError(
          `--all is for per-watch properties; ${def.name} ${def.kind === "users" ? "defines the watches" : "is global (one value for every watch)"}`,
        );
      if (value.includes(";"))
        throw new UsageError(`--all takes one value for every watch; give ${def.name} without ; (or drop --all)`);
    }
    const users = perWatch ? userSlots(home) : [];
    if (args.all) stored = valueForAll(value, users.length);
    const why = validateRaw(def, stored);
    if (why) throw new CliError(`${def.name}: ${escapeName(why)}`);
    const before = perWatch ? effectiveRaw(home, def.name) : "";
    const json = safeRead(home);
    json[def.name] = stored;
    writeConfigJson(home, json);
    const env = envNameOf(def);
    const file = homePaths(home).configJson;
    const lines = [`${def.name} = ${escapeName(stored)}  (${file})`];
    if (perWatch)
      lines.push(
        ...slotReport({
          name: def.name,
          defaultRaw: defaultRaw(def, home),
          before,
          after: effectiveRaw(home, def.name),
          users,
        }),
      );
    if (process.env[env] !== undefined) lines.push(`note: ${env} is set in the environment and wins over config.json`);
    lines.push(...noteIfRunning(home, def.name));
    printChange(args.json, lines, { property: def.name, value: stored, file, changed: true });
  },
};

const unsetCommand: CommandModule<GlobalArgs, GlobalArgs & { key: string; json?: boolean }> = {
  command: "unset <key>",
  describe: "Remove a property from etc/config.json",
  builder: (y) =>
    jsonOption(y).positional("key", { type: "string", demandOption: true, describe: "full or short name" }),
  handler: (args) => {
    const home = homeOf(args);
    const stored = safeRead(home);
    const file = homePaths(home).configJson;
    // A key stored by hand (even an unknown one) can be removed by its exact name.
    const name = stored[args.key] !== undefined ? args.key : propertyOf(args.key).name;
    if (stored[name] === undefined) {
      printChange(args.json, [`${name} is not set in ${file}; nothing to do`], {
        property: name,
        value: null,
        file,
        changed: false,
      });
      return;
    }
    delete stored[name];
    writeConfigJson(home, stored);
    printChange(args.json, [`${name} unset`, ...noteIfRunning(home, name)], {
      property: name,
      value: null,
      file,
      changed: true,
    });
  },
};

const checkCommand: CommandModule<GlobalArgs, GlobalArgs & { json?: boolean; connect?: boolean }> = {
  command: "check",
  describe: "Print the effective per-watch table and every problem; exit 1 if there is any",
  builder: (y) =>
    y
      .option("json", {
        type: "boolean",
        describe: "machine-readable output (a stable contract: README, `--json` output)",
      })
      .option("connect", {
        type: "boolean",
        describe: "also check the OMERO side (omero-fs omero check) when the importer is omero",
      }),
  handler: async (args) => {
    const home = homeOf(args);
    const r = loadConfig({ home });
    if (r.effective) {
      // On disk, not in the configuration: the servers start without a watchDir (and say so).
      const d = watchDirProblems(r.effective, dirState, !ledgerExists(home));
      r.problems.push(...d.problems);
      r.notes.push(...d.notes);
    }
    // --connect: the OMERO side too (the importer's own checks), once the configuration loads.
    const connect =
      args.connect && r.effective?.global.importer === "omero"
        ? await (require("./omero") as typeof import("./omero")).runOmeroCheck(r.effective)
        : null;
    if (args.json) {
      const doc = {
        ...(args.connect ? { omero: connect } : {}),
        watches: watchJson(r.effective),
        problems: r.problems.map((p) => ({ property: p.property, slot: p.slot, message: p.message })),
        global: r.effective
          ? { ...r.effective.global, httpToken: hide("httpToken", r.effective.global.httpToken) }
          : null,
        warnings: r.warnings,
        notes: r.notes,
      };
      out(JSON.stringify(doc, null, 2));
    } else {
      printCheck(r);
      if (connect) out((require("./omero") as typeof import("./omero")).omeroCheckText(connect));
      else if (args.connect && r.effective)
        out(`--connect: omero.fs.importer is ${r.effective.global.importer}: no OMERO to check`);
    }
    if (connect && !connect.ok && r.problems.length === 0)
      throw new CliError(
        `omero check: ${connect.checks.filter((c) => c.ok === false).length} check(s) failed (listed above)`,
      );
    if (r.problems.length) {
      const n = r.problems.length;
      throw new CliError(
        n === 1 ? `configuration problem: ${r.problems[0]!.message}` : `${n} configuration problems (listed above)`,
      );
    }
  },
};

export const configCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "config",
  describe: "Read, change and check the omero.fs.* configuration",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(listCommand)
      .command(getCommand)
      .command(setCommand)
      .command(unsetCommand)
      .command(checkCommand)
      .demandCommand(1, "Give a config command: list, get, set, unset or check."),
  handler: () => {},
};
