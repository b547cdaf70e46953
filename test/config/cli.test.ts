import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROPERTIES } from "@omero-fs/config";
import { ConfigCheckJsonSchema } from "@omero-fs/protocol";
import { CLI_BIN, tempDir } from "../helpers/wait";

/** `omero-fs config ...` end to end: the compiled CLI against a temporary home. */

const SEED = fs.readFileSync(path.join(__dirname, "fixtures", "seed-templates.xml"), "utf8");

let home: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir: home, cleanup } = tempDir("omero-fs-config-cli-"));
});
afterEach(() => cleanup());

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
  const r = spawnSync(process.execPath, [CLI_BIN, "--home", home, "config", ...args], {
    encoding: "utf8",
    env: { ...clean, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const configJson = () => path.join(home, "etc", "config.json");
/** The seed example with its watch directories moved into the home and created (`config check`
 * reports a missing watchDir), and optionally another readers file. */
function seed(readers?: string): string {
  const text = readers ? SEED.replace("/home/amy/my_readers.txt", readers) : SEED;
  for (const u of ["amy", "zak"]) fs.mkdirSync(path.join(home, "home", u, "myData"), { recursive: true });
  return text.replace(/\/home\/(amy|zak)\/myData/g, (m) => path.join(home, m));
}
function writeTemplates(text: string): void {
  fs.mkdirSync(path.join(home, "etc", "grid"), { recursive: true });
  fs.writeFileSync(path.join(home, "etc", "grid", "templates.xml"), text);
}

test("set / get / unset round trip, written atomically as a flat JSON object", () => {
  expect(cli(["get", "dirImportWait"]).stdout).toBe("60\n");
  const set = cli(["set", "dirImportWait", "30.0"]);
  expect(set).toMatchObject({ code: 0, stderr: "" });
  // Full name stored, value kept as typed (no number parsing by yargs).
  expect(JSON.parse(fs.readFileSync(configJson(), "utf8"))).toEqual({ "omero.fs.dirImportWait": "30.0" });
  expect(cli(["set", "omero.fs.importArgs", '-T "regex:^.*/(?<C>.*?)"']).code).toBe(0);
  expect(cli(["get", "omero.fs.dirImportWait"]).stdout).toBe("30.0\n");
  expect(cli(["get", "importArgs"]).stdout).toBe('-T "regex:^.*/(?<C>.*?)"\n');
  // No temporary file left behind.
  expect(fs.readdirSync(path.join(home, "etc"))).toEqual(["config.json"]);
  const text = fs.readFileSync(configJson(), "utf8");
  expect(text.endsWith("}\n")).toBe(true);
  expect(JSON.parse(text)).toEqual({
    "omero.fs.dirImportWait": "30.0",
    "omero.fs.importArgs": '-T "regex:^.*/(?<C>.*?)"',
  });
  expect(cli(["unset", "dirImportWait"])).toMatchObject({ code: 0, stderr: "" });
  expect(JSON.parse(fs.readFileSync(configJson(), "utf8"))).toEqual({
    "omero.fs.importArgs": '-T "regex:^.*/(?<C>.*?)"',
  });
  expect(cli(["get", "dirImportWait"]).stdout).toBe("60\n");
  expect(cli(["unset", "dirImportWait"]).code).toBe(0);
});

test("set: unknown key -> one stderr line with a did-you-mean, exit 2 (usage), nothing written", () => {
  const r = cli(["set", "omero.fs.dirImportWiat", "5"]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toContain("did you mean omero.fs.dirImportWait?");
  expect(fs.existsSync(configJson())).toBe(false);
});

test("set: an invalid value is refused with what is allowed", () => {
  const r = cli(["set", "pathMode", "Follow;Sideways"]);
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toContain("omero.fs.pathMode");
  expect(r.stderr).toContain("Flat, Recurse, Follow");
  expect(fs.existsSync(configJson())).toBe(false);
});

test("set: the password is refused and points to omeroPasswordFile / OMERO_FS_OMERO_PASSWORD", () => {
  const r = cli(["set", "omero.fs.omeroPassword", "hunter2"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("omero.fs.omeroPasswordFile");
  expect(r.stderr).toContain("OMERO_FS_OMERO_PASSWORD");
  expect(r.stderr).not.toContain("hunter2");
  expect(fs.existsSync(configJson())).toBe(false);
});

test("get: config.json value, else the effective one (templates.xml, env)", () => {
  writeTemplates('<property name="omero.fs.fileBatch" value="7"/>\n');
  expect(cli(["get", "fileBatch"]).stdout).toBe("7\n");
  expect(cli(["get", "fileBatch"], { OMERO_FS_FILE_BATCH: "8" }).stdout).toBe("8\n");
  cli(["set", "fileBatch", "9"]);
  expect(cli(["get", "fileBatch"]).stdout).toBe("9\n");
  const unknown = cli(["get", "fileBatsh"]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("did you mean omero.fs.fileBatch?");
});

test("list: every property with value and source", () => {
  writeTemplates('<property name="omero.fs.fileBatch" value="7"/>\n');
  cli(["set", "pathMode", "Flat"]);
  const r = cli(["list"], { OMERO_FS_LOG_LEVEL: "debug" });
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines).toHaveLength(1 + PROPERTIES.length);
  expect(lines.find((l) => l.startsWith("omero.fs.fileBatch "))).toMatch(/\s7\s+templates\.xml:1$/);
  expect(lines.find((l) => l.startsWith("omero.fs.pathMode "))).toMatch(/\sFlat\s+config\.json$/);
  expect(lines.find((l) => l.startsWith("omero.fs.logLevel "))).toMatch(/\sdebug\s+OMERO_FS_LOG_LEVEL$/);
  expect(lines.find((l) => l.startsWith("omero.fs.dirImportWait "))).toMatch(/\s60\s+default$/);
});

test("check on the seed example prints both watches; the missing readers file is the one problem", () => {
  writeTemplates(seed());
  const r = cli(["check"]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain("2 watches:");
  expect(r.stdout).toMatch(/importUsers\s+amy\s+zak/);
  expect(r.stdout).toMatch(/watchDir\s+\S+\/home\/amy\/myData\s+\S+\/home\/zak\/myData/);
  expect(r.stdout).toContain('-T "regex:^.*/(?<Container1>.*?)"');
  expect(r.stdout).toContain("--report --email zak@example.com");
  expect(r.stdout.match(/^error: /gm)).toHaveLength(1);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toContain("omero.fs.readers");
  expect(r.stderr).toContain("(amy)");
});

test("check on the seed example with an existing readers file: exit 0", () => {
  const readers = path.join(home, "my_readers.txt");
  fs.writeFileSync(readers, "loci.formats.in.TiffDelegateReader\n");
  writeTemplates(seed(readers));
  const r = cli(["check"]);
  expect(r).toMatchObject({ code: 0, stderr: "" });
  expect(r.stdout).toContain("configuration OK");
});

test("check --json matches the contract", () => {
  const readers = path.join(home, "my_readers.txt");
  fs.writeFileSync(readers, "loci.formats.in.TiffDelegateReader\n");
  writeTemplates(seed(readers));
  const r = cli(["check", "--json"]);
  expect(r.code).toBe(0);
  const doc = ConfigCheckJsonSchema.parse(JSON.parse(r.stdout));
  expect(doc.problems).toEqual([]);
  expect(doc.watches).toHaveLength(2);
  const amy = doc.watches[0] as Record<string, unknown>;
  expect(amy).toMatchObject({
    user: "amy",
    watchDir: path.join(home, "home", "amy", "myData"),
    eventTypes: ["Creation", "Modification"],
    pathMode: "Follow",
    whitelist: [],
    blacklist: [],
    timeout: 0,
    blockSize: 0,
    ignoreSysFiles: true,
    ignoreDirEvents: true,
    dirImportWait: 60,
    fileBatch: 10,
    throttleImport: 10,
    readers,
    importArgs: '-T "regex:^.*/(?<Container1>.*?)"',
  });
  expect(doc.watches[1]).toMatchObject({ user: "zak", readers: "", importArgs: "--report --email zak@example.com" });
});

test("check --json with problems: exit 1, problems name property and slot", () => {
  for (const u of ["amy", "zak"]) fs.mkdirSync(path.join(home, "data", "DropBox", u), { recursive: true });
  writeTemplates(
    '<property name="omero.fs.importUsers" value="amy;zak"/>\n<property name="omero.fs.pathMode" value="Follow;Sideways"/>\n',
  );
  const r = cli(["check", "--json"]);
  expect(r.code).toBe(1);
  const doc = ConfigCheckJsonSchema.parse(JSON.parse(r.stdout));
  expect(doc.problems).toEqual([
    { property: "omero.fs.pathMode", slot: 1, message: expect.stringContaining("Sideways") },
  ]);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
});

test("check: default configuration is fine; malformed templates.xml is reported with its line", () => {
  expect(cli(["check"]).code).toBe(0);
  writeTemplates('<property name="omero.fs.pathMode" value="Flat"/>\n<property name="x" value="y/>\n');
  const r = cli(["check"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/templates\.xml:2: malformed XML/);
});

test("set with a broken config.json refuses to overwrite it", () => {
  fs.mkdirSync(path.join(home, "etc"), { recursive: true });
  fs.writeFileSync(configJson(), "{ not json");
  const r = cli(["set", "fileBatch", "3"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("not valid JSON");
  expect(fs.readFileSync(configJson(), "utf8")).toBe("{ not json");
});
