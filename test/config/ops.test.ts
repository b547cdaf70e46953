import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigCheckJsonSchema } from "@omero-fs/protocol";
import { CLI_BIN, tempDir } from "../helpers/wait";

/**
 * Configuration usability (issue 11), end to end with the compiled CLI on a temporary home:
 * durations a timer cannot hold, `config set` with several watches and `--all`, a templates.xml
 * line that lacks its `<`, a missing watchDir.
 */

let home: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir: home, cleanup } = tempDir("omero-fs-config-ops-"));
});
afterEach(() => cleanup());

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
  const r = spawnSync(process.execPath, [CLI_BIN, "--home", home, ...args], {
    encoding: "utf8",
    env: { ...clean, ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const configJson = () => JSON.parse(fs.readFileSync(path.join(home, "etc", "config.json"), "utf8"));
function writeTemplates(text: string): void {
  fs.mkdirSync(path.join(home, "etc", "grid"), { recursive: true });
  fs.writeFileSync(path.join(home, "etc", "grid", "templates.xml"), text);
}

const MAX = "the maximum is 2147483.647 s (about 24.8 days)";

test("a duration beyond what a timer holds is refused naming the property and the maximum; nothing starts", () => {
  const set = cli(["config", "set", "dirImportWait", "2147484"]);
  expect(set.code).toBe(1);
  expect(set.stderr).toBe(`omero-fs: omero.fs.dirImportWait: 2147484 s is longer than a timer can wait; ${MAX}\n`);
  expect(fs.existsSync(path.join(home, "etc", "config.json"))).toBe(false);
  expect(cli(["config", "set", "dirImportWait", "2147483.647"]).code).toBe(0);

  // From the environment: admin start refuses, naming the property, the variable and the maximum.
  const start = cli(["admin", "start"], { OMERO_FS_RESCAN_INTERVAL: "1e12" });
  expect(start.code).toBe(1);
  expect(start.stderr).toBe(
    `omero-fs: omero.fs.rescanInterval [OMERO_FS_RESCAN_INTERVAL]: 1e12 s is longer than a timer can wait; ${MAX}\n`,
  );
  expect(fs.existsSync(path.join(home, "var", "run", "node.pid"))).toBe(false);
  // A rescan every second would be a busy loop with a log line each time.
  const fast = cli(["config", "set", "rescanInterval", "0.5"]);
  expect(fast.stderr).toContain("omero.fs.rescanInterval: 0.5 is out of range; expected 0 (never) or between 60");
});

test("config set of a per-watch property with several watches says which watches changed and how to set all", () => {
  expect(cli(["config", "set", "importUsers", "amy;zak"]).code).toBe(0);
  const one = cli(["config", "set", "dirImportWait", "2"]);
  expect(one.code).toBe(0);
  expect(one.stdout.split("\n").slice(1)).toEqual([
    "  watch 1 of 2 (amy): 2; was 60 (the default)",
    "  watch 2 of 2 (zak): 60 (the default); unchanged",
    "The value has 1 slot for 2 watches (slots are separated by ;): to set every watch, omero-fs config set omero.fs.dirImportWait 2 --all (stores 2;2)",
    "",
  ]);
  const all = cli(["config", "set", "dirImportWait", "2", "--all"]);
  expect(all.code).toBe(0);
  expect(all.stdout).toContain("  watch 2 of 2 (zak): 2; was 60 (the default)");
  expect(configJson()["omero.fs.dirImportWait"]).toBe("2;2");
  // --all before the value, and with a value that starts with "-".
  expect(cli(["config", "set", "importArgs", "--all", "--", "--report"]).code).toBe(0);
  expect(configJson()["omero.fs.importArgs"]).toBe("--report;--report");

  const global = cli(["config", "set", "importer", "local", "--all"]);
  expect(global).toMatchObject({ code: 2, stdout: "" });
  expect(global.stderr).toBe(
    "omero-fs: --all is for per-watch properties; omero.fs.importer is global (one value for every watch)\n",
  );
  expect(cli(["config", "set", "dirImportWait", "1;2", "--all"]).stderr).toContain("without ;");
  // One watch: nothing to explain.
  expect(cli(["config", "unset", "importUsers"]).code).toBe(0);
  expect(cli(["config", "set", "throttleImport", "3"]).stdout.trim().split("\n")).toHaveLength(1);
});

test("a <property line that lacks its < is reported with its line (config check exit 1, admin start refused)", () => {
  writeTemplates(
    '<property name="omero.fs.importUsers" value="default"/>\n  property name="omero.fs.dirImportWait" value="5"/>\n',
  );
  const check = cli(["config", "check"]);
  expect(check.code).toBe(1);
  expect(check.stderr).toBe(
    `omero-fs: configuration problem: ${path.join(home, "etc", "grid", "templates.xml")}:2: malformed XML: \`property name="omero.fs.dirImportWait" value="5"/>\` lacks its opening \`<\`, so it is not read; write <property name="..." value="..."/>\n`,
  );
  const start = cli(["admin", "start"]);
  expect(start.code).toBe(1);
  expect(start.stderr).toContain("templates.xml:2: malformed XML");
});

test("config check reports a missing watchDir naming watchDir and the watch (exit 1); a fresh default DropBox is a note", () => {
  const fresh = cli(["config", "check"]);
  expect(fresh.code).toBe(0);
  expect(fresh.stdout).toContain(
    `note: omero.fs.watchDir, watch 1 of 1 (default): ${path.join(home, "data", "DropBox")} does not exist yet; DropBox creates it at its first start`,
  );
  const amy = path.join(home, "mnt", "amy");
  const zak = path.join(home, "mnt", "zak");
  fs.mkdirSync(amy, { recursive: true });
  expect(cli(["config", "set", "importUsers", "amy;zak"]).code).toBe(0);
  expect(cli(["config", "set", "watchDir", `${amy};${zak}`]).code).toBe(0);
  const check = cli(["config", "check"]);
  expect(check.code).toBe(1);
  const msg = `omero.fs.watchDir, watch 2 of 2 (zak): ${zak} does not exist (an unmounted share, or a typo?); nothing in it is imported until it is there: create or mount it, or fix omero.fs.watchDir`;
  expect(check.stdout).toContain(`error: ${msg}`);
  expect(check.stderr).toBe(`omero-fs: configuration problem: ${msg}\n`);
  const json = cli(["config", "check", "--json"]);
  expect(json.code).toBe(1);
  expect(ConfigCheckJsonSchema.parse(JSON.parse(json.stdout)).problems).toEqual([
    { property: "omero.fs.watchDir", slot: 1, message: msg },
  ]);
  fs.mkdirSync(zak);
  expect(cli(["config", "check"]).code).toBe(0);
});

test("an error quoting a bad value escapes it like the tables (no ESC on the terminal)", () => {
  const r = cli(["config", "set", "pathMode", "Fl\x1b[2Jat\nx"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'omero-fs: omero.fs.pathMode: "Fl\\x1b[2Jat\\nx" is not allowed; use one of Flat, Recurse, Follow\n',
  );
});

test("config list with a config.json it cannot read says so (exit 1) instead of showing defaults in silence", () => {
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(path.join(home, "etc", "config.json"), "{bad");
  for (const args of [
    ["config", "list"],
    ["config", "list", "--json"],
  ]) {
    const r = cli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^omero-fs: configuration problem: .*config\.json: not valid JSON .*\(all of them: omero-fs config check\)\n$/,
    );
  }
  // A mistyped verb points to the general help, not to the help of a command that does not exist.
  expect(cli(["confg", "list"]).stderr).toBe(
    'omero-fs: unknown command "confg"; did you mean "config"? (commands: admin, config, imports, files, dropbox, logs, monitor-server, curve, omero, completion)\n(see omero-fs --help)\n',
  );
});
