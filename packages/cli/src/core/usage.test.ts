import { closest, splitArgv, type UsageContext, usageMessage } from "./usage";

const ctx = (o: Partial<UsageContext>): UsageContext => ({
  path: [],
  subcommands: [],
  options: new Map([
    ["help", false],
    ["h", false],
    ["version", false],
    ["home", true],
  ]),
  positionals: [],
  choices: new Map(),
  ...o,
});
const TOP = ctx({ subcommands: ["admin", "config", "imports", "files", "dropbox", "logs"] });
const LIST = ctx({
  path: ["imports", "list"],
  options: new Map([...TOP.options, ["json", false], ["user", true], ["state", true]]),
});

test("a mistyped verb: our words, the closest command, the general help (never a page that does not exist)", () => {
  expect(usageMessage("Unknown argument: log", ["log"], TOP)).toBe(
    'unknown command "log"; did you mean "logs"? (commands: admin, config, imports, files, dropbox, logs)\n(see omero-fs --help)',
  );
  expect(usageMessage("Did you mean logs?", ["--home", "/h", "lgos", "-f"], TOP)).toContain('did you mean "logs"?');
  expect(usageMessage("Unknown argument: zzz", ["zzz"], TOP)).toBe(
    'unknown command "zzz" (commands: admin, config, imports, files, dropbox, logs)\n(see omero-fs --help)',
  );
  const sub = ctx({ path: ["imports"], subcommands: ["list", "show", "retry", "release"] });
  expect(usageMessage("Unknown argument: lst", ["imports", "lst"], sub)).toBe(
    'omero-fs imports has no subcommand "lst"; did you mean "imports list"? (its subcommands: list, show, retry, release)\n(see omero-fs imports --help)',
  );
});

test("an unknown option is named once, as typed, with the command's options (no camelCase twin)", () => {
  const m = usageMessage("Unknown arguments: bogus-flag, bogusFlag", ["imports", "list", "--bogus-flag"], LIST);
  expect(m).toBe(
    "omero-fs imports list: unknown option --bogus-flag (its options: --json, --user, --state)\n(see omero-fs imports list --help)",
  );
  expect(usageMessage("Unknown argument: jsn", ["imports", "list", "--jsn"], LIST)).toContain(
    "unknown option --jsn; did you mean --json?",
  );
  expect(usageMessage("Unknown argument: x", ["imports", "list", "-x"], LIST)).toContain("unknown option -x ");
});

test("option values are not taken for words; --no-x and --x=v are known", () => {
  expect(
    splitArgv(["--home", "/h", "imports", "list", "--user", "amy", "--state=failed", "--no-json"], LIST.options),
  ).toEqual({ words: ["imports", "list"], unknown: [] });
  const logs = new Map([
    ["lines", true],
    ["n", true],
    ["follow", false],
    ["f", false],
  ]);
  expect(splitArgv(["logs", "-fn", "5", "Node"], logs)).toEqual({ words: ["logs", "Node"], unknown: [] });
  expect(splitArgv(["logs", "-n5", "-q"], logs)).toEqual({ words: ["logs"], unknown: ["-q"] });
});

test("missing and extra arguments, and values outside a choice", () => {
  const show = ctx({ path: ["imports", "show"], positionals: [{ name: "id", required: true }] });
  expect(usageMessage("Not enough non-option arguments: got 0, need at least 1", ["imports", "show"], show)).toBe(
    "omero-fs imports show needs <id>\n(see omero-fs imports show --help)",
  );
  const logs = ctx({ path: ["logs"], positionals: [{ name: "name", required: false }] });
  expect(usageMessage("Unknown argument: b", ["logs", "a", "b"], logs)).toBe(
    'omero-fs logs: unexpected argument "b" (it takes [name])\n(see omero-fs logs --help)',
  );
  expect(usageMessage("Unknown argument: extra", ["imports", "list", "extra"], LIST)).toContain(
    'unexpected argument "extra" (it takes none)',
  );
  const db = ctx({ path: ["dropbox"], positionals: [{ name: "action", required: false }] });
  expect(
    usageMessage(
      'Invalid values:\n  Argument: action, Given: "bogus", Choices: "scan", "sync"',
      ["dropbox", "bogus"],
      db,
    ),
  ).toBe('omero-fs dropbox: "bogus" is not a valid action; use one of scan, sync\n(see omero-fs dropbox --help)');
});

test("a command's own message for a missing subcommand is kept", () => {
  const admin = ctx({ path: ["admin"], subcommands: ["start", "stop"] });
  expect(usageMessage("Give an admin subcommand: start or stop.", ["admin"], admin)).toBe(
    "Give an admin subcommand: start or stop.\n(see omero-fs admin --help)",
  );
  expect(usageMessage("Not enough non-option arguments: got 0, need at least 1", ["admin"], admin)).toBe(
    "omero-fs admin needs a subcommand: start, stop\n(see omero-fs admin --help)",
  );
});

test("closest: typos, prefixes and plurals, nothing when far", () => {
  expect(closest("log", ["logs", "files"])).toBe("logs");
  expect(closest("imprts", ["imports", "files"])).toBe("imports");
  expect(closest("adm", ["admin", "config"])).toBe("admin");
  expect(closest("xyz", ["admin", "config"])).toBeNull();
});
