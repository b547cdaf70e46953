import * as fs from "node:fs";
import * as path from "node:path";
import { configHome, prop, props } from "./__fixtures__/config-home";
import { ConfigError, loadConfigOrThrow } from "./load";

/** The seed's two-user example, verbatim (fixture shared with the CLI end-to-end test). */
const SEED = fs.readFileSync(path.join(__dirname, "../../../test/config/fixtures/seed-templates.xml"), "utf8");

const h = configHome();
const { writeXml, writeJson, load } = h;

describe("seed example", () => {
  test("the fixture is the seed text verbatim", () => {
    expect(SEED).toContain(String.raw`value="-T \"regex:^.*/(?<Container1>.*?)\";--report --email zak@example.com"/>`);
    expect(SEED.trim().split("\n")).toHaveLength(15);
  });

  test("verbatim: every value as expected, one problem: amy's missing readers file", () => {
    writeXml(SEED);
    const r = load();
    expect(r.config).toBeNull();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ property: "omero.fs.readers", slot: 0 });
    expect(r.problems[0]!.message).toContain("/home/amy/my_readers.txt");
    expect(r.problems[0]!.message).toContain("amy");
    expect(r.problems[0]!.message).toContain("does not exist");
    expect(r.warnings).toEqual([]);
    const [amy, zak] = r.effective!.watches;
    const common = {
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
      settleTime: 2,
      importWhenComplete: true,
      companionWait: 600,
      incompleteWait: 86400,
      completeMarker: "",
      monitorControl: "",
      monitorEvents: "",
      monitorServerKey: "",
      monitorPathMap: null,
      transfer: "upload",
    };
    expect(r.effective!.watches).toHaveLength(2);
    expect(amy).toEqual({
      index: 0,
      user: "amy",
      watchDir: "/home/amy/myData",
      ...common,
      readers: "/home/amy/my_readers.txt",
      importArgs: '-T "regex:^.*/(?<Container1>.*?)"',
    });
    expect(zak).toEqual({
      index: 1,
      user: "zak",
      watchDir: "/home/zak/myData",
      ...common,
      readers: "",
      importArgs: "--report --email zak@example.com",
    });
    expect(() => loadConfigOrThrow({ home: h.dir, env: {} })).toThrow(ConfigError);
  });

  test("with an existing readers file: loads with no problem", () => {
    const readers = path.join(h.dir, "my_readers.txt");
    fs.writeFileSync(readers, "loci.formats.in.ICSReader\n");
    writeXml(SEED.replace("/home/amy/my_readers.txt", readers));
    const r = load();
    expect(r.problems).toEqual([]);
    expect(r.config!.watches.map((w) => [w.user, w.readers])).toEqual([
      ["amy", readers],
      ["zak", ""],
    ]);
    expect(loadConfigOrThrow({ home: h.dir, env: {} }).watches[0]!.importArgs).toBe(
      '-T "regex:^.*/(?<Container1>.*?)"',
    );
  });
});

describe("defaults", () => {
  test("no files: one default watch over <home>/data/DropBox with OMERO's template defaults", () => {
    const r = load();
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    const c = r.config!;
    expect(c.watches).toEqual([
      {
        index: 0,
        user: "default",
        watchDir: path.join(h.dir, "data", "DropBox"),
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
        readers: "",
        importArgs: "",
        transfer: "upload",
        settleTime: 2,
        importWhenComplete: true,
        companionWait: 600,
        incompleteWait: 86400,
        completeMarker: "",
        monitorControl: "",
        monitorEvents: "",
        monitorServerKey: "",
        monitorPathMap: null,
      },
    ]);
    expect(c.global).toMatchObject({
      home: h.dir,
      dataDir: path.join(h.dir, "data"),
      defaultDropBoxDir: "DropBox",
      importer: "local",
      importConcurrency: 1,
      importRetries: 3,
      importTimeout: 3600,
      rescanInterval: 3600,
      reimportModified: false,
      insecureTcp: false,
      watchBackend: "auto",
      pollInterval: 2,
      logLevel: "info",
      logMaxSize: 10 * 1024 * 1024,
      logMaxFiles: 5,
      omeroBin: "omero",
      omeroServer: "localhost",
      omeroPort: 4064,
      omeroAdmin: "root",
      omeroPasswordFile: "",
      confirmFilesets: true,
      execCommand: "",
    });
    expect(c.global.monitorBindControl).toMatch(/^ipc:\/\/\/.*monitor-control\.sock$/);
    expect(r.values.every((v) => v.source === "default")).toBe(true);
  });

  test("omero.data.dir and defaultDropBoxDir move the default watch", () => {
    writeXml(`<property name="omero.data.dir" value="/OMERO"/>\n${prop("defaultDropBoxDir", "Drop")}`);
    expect(loadConfigOrThrow({ home: h.dir, env: {} }).watches[0]!.watchDir).toBe("/OMERO/Drop");
  });
});

describe("list rules", () => {
  test('empty and missing slots take the default ("1;;2")', () => {
    writeXml(
      props({
        importUsers: "default;amy;zak",
        watchDir: ";/d/amy;/d/zak",
        dirImportWait: "1;;2",
        fileBatch: "5",
        ignoreSysFiles: "false;;",
        ignoreDirEvents: ";no",
        eventTypes: ";Deletion",
      }),
    );
    const r = load();
    expect(r.problems).toEqual([]);
    const w = r.config!.watches;
    expect(w.map((x) => x.dirImportWait)).toEqual([1, 60, 2]);
    expect(w.map((x) => x.fileBatch)).toEqual([5, 10, 10]);
    expect(w.map((x) => x.ignoreSysFiles)).toEqual([false, true, true]);
    expect(w.map((x) => x.ignoreDirEvents)).toEqual([true, false, true]);
    expect(w.map((x) => x.eventTypes)).toEqual([
      ["Creation", "Modification"],
      ["Deletion"],
      ["Creation", "Modification"],
    ]);
    expect(w.map((x) => x.watchDir)).toEqual([path.join(h.dir, "data", "DropBox"), "/d/amy", "/d/zak"]);
  });

  test('names are trimmed ("amy; zak"), items are trimmed, empty items dropped', () => {
    writeXml(props({ importUsers: "amy; zak ", whitelist: " .tif , .ome.tiff,, ;.ics", watchDir: " /a ; /b" }));
    const r = load();
    expect(r.problems).toEqual([]);
    expect(r.config!.watches.map((w) => [w.user, w.watchDir, w.whitelist])).toEqual([
      ["amy", "/a", [".tif", ".ome.tiff"]],
      ["zak", "/b", [".ics"]],
    ]);
  });

  test("a named user with one watchDir is a single-user watch", () => {
    writeXml(props({ importUsers: "amy", watchDir: "/home/amy/myData" }));
    expect(loadConfigOrThrow({ home: h.dir, env: {} }).watches).toMatchObject([
      { user: "amy", watchDir: "/home/amy/myData" },
    ]);
  });

  test("a named user without a watchDir watches <dataDir>/DropBox/<user>", () => {
    writeXml(props({ importUsers: "amy;zak", watchDir: "/a" }));
    expect(loadConfigOrThrow({ home: h.dir, env: {} }).watches.map((w) => w.watchDir)).toEqual([
      "/a",
      path.join(h.dir, "data", "DropBox", "zak"),
    ]);
  });

  test("eventTypes=All is every type (OMERO silently disables all); names are case-insensitive", () => {
    writeXml(props({ eventTypes: "All" }));
    expect(loadConfigOrThrow({ home: h.dir, env: {} }).watches[0]!.eventTypes).toEqual([
      "Creation",
      "Modification",
      "Deletion",
    ]);
    writeXml(props({ eventTypes: "deletion, creation" }));
    expect(loadConfigOrThrow({ home: h.dir, env: {} }).watches[0]!.eventTypes).toEqual(["Creation", "Deletion"]);
  });

  test.each([
    ["true", true],
    ["True", true],
    ["yes", true],
    ["1", true],
    ["false", false],
    ["False", false],
    ["no", false],
    ["0", false],
  ])("boolean %s -> %s", (raw, want) => {
    writeXml(props({ ignoreSysFiles: raw }));
    expect(loadConfigOrThrow({ home: h.dir, env: {} }).watches[0]!.ignoreSysFiles).toBe(want);
  });

  test("importUsers=default is one watch for everyone; empty importUsers is the default", () => {
    writeXml(props({ importUsers: "" }));
    expect(loadConfigOrThrow({ home: h.dir, env: {} }).watches.map((w) => w.user)).toEqual(["default"]);
  });

  test("an empty importUsers entry is skipped with a warning, keeping slot numbers", () => {
    writeXml(props({ importUsers: "amy;;zak", watchDir: "/a;;/z" }));
    const r = load();
    expect(r.problems).toEqual([]);
    expect(r.config!.watches.map((w) => [w.index, w.user, w.watchDir])).toEqual([
      [0, "amy", "/a"],
      [2, "zak", "/z"],
    ]);
    expect(r.warnings.join("\n")).toContain("entry 2 is empty");
  });

  test("extra empty slots are only a warning", () => {
    writeXml(props({ whitelist: ";" }));
    const r = load();
    expect(r.problems).toEqual([]);
    expect(r.warnings.join("\n")).toContain("omero.fs.whitelist");
  });
});

describe("bad input: one clear problem naming property, slot and what is allowed; nothing starts", () => {
  const bad = (o: Record<string, string>) => {
    writeXml(props({ importUsers: "amy;zak", watchDir: "/a;/z", ...o }));
    const r = load();
    expect(r.config).toBeNull();
    expect(() => loadConfigOrThrow({ home: h.dir, env: {} })).toThrow(ConfigError);
    expect(r.problems).toHaveLength(1);
    return r.problems[0]!;
  };

  test("unknown pathMode", () => {
    const p = bad({ pathMode: "Follow;Sideways" });
    expect(p).toMatchObject({ property: "omero.fs.pathMode", slot: 1 });
    expect(p.message).toContain("watch 2 of 2 (zak)");
    expect(p.message).toContain('"Sideways"');
    expect(p.message).toContain("Flat, Recurse, Follow");
  });

  test("unknown event type", () => {
    const p = bad({ eventTypes: "Creation,Moved" });
    expect(p).toMatchObject({ property: "omero.fs.eventTypes", slot: 0 });
    expect(p.message).toContain("(amy)");
    expect(p.message).toContain("Creation, Modification, Deletion, All");
  });

  test.each([
    ["dirImportWait", "sixty", "not a number"],
    ["dirImportWait", "-5", "0 or more"],
    ["throttleImport", "1e", "not a number"],
    ["fileBatch", "0", "1 or more"],
    ["fileBatch", "2.5", "whole number"],
    ["blockSize", "-1", "0 or more"],
    ["timeout", "abc", "not a number"],
    ["ignoreSysFiles", "maybe", "true/false"],
  ])("%s=%s", (name, value, allowed) => {
    const p = bad({ [name]: `;${value}` });
    expect(p).toMatchObject({ property: `omero.fs.${name}`, slot: 1 });
    expect(p.message).toContain(`omero.fs.${name}`);
    expect(p.message).toContain("(zak)");
    expect(p.message).toContain(allowed);
  });

  test("2 users but 3 watchDir slots", () => {
    const p = bad({ watchDir: "/a;/b;/c" });
    expect(p.property).toBe("omero.fs.watchDir");
    expect(p.message).toContain("3 slots");
    expect(p.message).toContain("2 entries");
  });

  test("a relative watchDir", () => {
    const p = bad({ watchDir: "/a;myData" });
    expect(p).toMatchObject({ property: "omero.fs.watchDir", slot: 1 });
    expect(p.message).toContain("absolute");
  });

  test("a readers file that does not exist", () => {
    const p = bad({ readers: ";/nowhere/readers.txt" });
    expect(p).toMatchObject({ property: "omero.fs.readers", slot: 1 });
    expect(p.message).toContain("/nowhere/readers.txt");
    expect(p.message).toContain("does not exist");
  });

  test("a readers file naming an unknown reader class", () => {
    const file = path.join(h.dir, "readers.txt");
    fs.writeFileSync(file, "# mine\nloci.formats.in.ICSReader\nloci.formats.in.NoSuchReader\n");
    const p = bad({ readers: file });
    expect(p).toMatchObject({ property: "omero.fs.readers", slot: 0 });
    expect(p.message).toContain("NoSuchReader");
    expect(p.message).toContain(":3");
  });

  test("duplicate user names", () => {
    const p = bad({ importUsers: "amy;amy" });
    expect(p).toMatchObject({ property: "omero.fs.importUsers", slot: 1 });
    expect(p.message).toContain('"amy"');
  });

  test("two watches on the same directory", () => {
    const p = bad({ watchDir: "/a;/a/" });
    expect(p.property).toBe("omero.fs.watchDir");
  });

  test("malformed XML, with its line number", () => {
    writeXml(
      `${prop("watchDir", "/a")}<property name="omero.fs.pathMode" value="Flat"\n<property name="x" value="y"/>\n`,
    );
    const r = load();
    expect(r.config).toBeNull();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toMatch(/templates\.xml:2: malformed XML/);
  });

  test.each([
    ["importer", "remote", "local, omero, exec"],
    ["logLevel", "verbose", "error, warn, info, debug"],
    ["omeroPort", "70000", "between 1 and 65535"],
    ["logMaxSize", "lots", "size"],
    ["monitorBindControl", "ipc://relative.sock", "endpoint"],
    ["importConcurrency", "0", "1 or more"],
  ])("global %s=%s", (name, value, allowed) => {
    writeXml(prop(name, value));
    const r = load();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ property: `omero.fs.${name}`, slot: null });
    expect(r.problems[0]!.message).toContain(allowed);
  });

  test("importer=exec without execCommand", () => {
    writeXml(prop("importer", "exec"));
    expect(load().problems.map((p) => p.property)).toEqual(["omero.fs.execCommand"]);
  });

  test("a password in a configuration file is refused", () => {
    writeJson({ "omero.fs.omeroPassword": "secret" });
    const r = load();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toContain("omeroPasswordFile");
    expect(r.problems[0]!.message).not.toContain("secret");
  });

  test("malformed config.json", () => {
    writeJson('{\n  "omero.fs.watchDir": "/a",\n  oops\n}');
    const r = load();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.property).toBe("config.json");
    expect(r.problems[0]!.message).toContain("not valid JSON (line 3)");
  });
});

describe("unknown keys: a warning with a did-you-mean, not an error", () => {
  test("templates.xml", () => {
    writeXml(prop("dirImportWiat", "5") + prop("frobnicate", "1"));
    const r = load();
    expect(r.problems).toEqual([]);
    expect(r.config).not.toBeNull();
    expect(r.warnings).toEqual([
      "unknown property omero.fs.dirImportWiat (templates.xml:1); ignored (did you mean omero.fs.dirImportWait?)",
      "unknown property omero.fs.frobnicate (templates.xml:2); ignored",
    ]);
  });

  test("config.json short names are suggested their full name", () => {
    writeJson({ watchDir: "/a" });
    const r = load();
    expect(r.warnings).toEqual(["unknown property watchDir (config.json); ignored (did you mean omero.fs.watchDir?)"]);
  });

  test("OMERO's unused properties are accepted with a note", () => {
    writeXml(prop("host", "localhost") + prop("port", "$" + "{ROUTERPORT}") + prop("platformCheck", "True"));
    const r = load();
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.notes).toHaveLength(3);
  });
});

describe("sources: defaults < templates.xml < config.json < env", () => {
  test("each later source wins for the whole property", () => {
    writeXml(props({ dirImportWait: "1", fileBatch: "2", throttleImport: "3" }));
    writeJson({ "omero.fs.fileBatch": "20", "omero.fs.throttleImport": "30" });
    const r = load({ OMERO_FS_THROTTLE_IMPORT: "300" });
    expect(r.problems).toEqual([]);
    const w = r.config!.watches[0]!;
    expect([w.dirImportWait, w.fileBatch, w.throttleImport]).toEqual([1, 20, 300]);
    const src = Object.fromEntries(r.values.map((v) => [v.name, v.origin]));
    expect(src["omero.fs.dirImportWait"]).toBe("templates.xml:1");
    expect(src["omero.fs.fileBatch"]).toBe("config.json");
    expect(src["omero.fs.throttleImport"]).toBe("OMERO_FS_THROTTLE_IMPORT");
    expect(src["omero.fs.pathMode"]).toBe("default");
  });

  test("env accepts UPPER_SNAKE and camelCase; OMERO_FS_DATA_DIR is omero.data.dir", () => {
    const r = load({ OMERO_FS_dirImportWait: "7", OMERO_FS_LOG_LEVEL: "debug", OMERO_FS_DATA_DIR: "/srv/data" });
    expect(r.problems).toEqual([]);
    expect(r.config!.watches[0]!.dirImportWait).toBe(7);
    expect(r.config!.global.logLevel).toBe("debug");
    expect(r.config!.watches[0]!.watchDir).toBe("/srv/data/DropBox");
  });

  test("OMERO_FS_HOME and OMERO_FS_OMERO_PASSWORD are not properties; unknown ones warn", () => {
    const r = load({ OMERO_FS_HOME: "/x", OMERO_FS_OMERO_PASSWORD: "pw", OMERO_FS_DIR_IMPORT_WIAT: "3" });
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([
      "unknown environment variable OMERO_FS_DIR_IMPORT_WIAT; ignored (did you mean OMERO_FS_DIR_IMPORT_WAIT?)",
    ]);
  });

  test("a bad env value names the variable", () => {
    const r = load({ OMERO_FS_PATH_MODE: "Sideways" });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toContain("OMERO_FS_PATH_MODE");
  });
});

describe("a whole OMERO etc/grid/templates.xml", () => {
  const WHOLE = `<icegrid>
    <!-- e.g. <property name="omero.fs.importUsers"  value="default;root"/> -->
    <properties id="PythonServer">
      <property name="omero.logging.level" value="20"/>
    </properties>
   <properties id="DropBox">
       <property name="omero.fs.host"  value="localhost"/>
       <property name="omero.fs.port"  value="\${ROUTERPORT}"/>
       <property name="omero.fs.maxRetries"  value="5"/>
       <property name="omero.fs.retryInterval"  value="3"/>
       <property name="omero.fs.defaultDropBoxDir"  value="DropBox"/>
       <property name="omero.fs.platformCheck"  value="True"/>
        <property name="omero.fs.importUsers"  value="default"/>
        <property name="omero.fs.watchDir"  value=""/>
        <property name="omero.fs.eventTypes"  value="Creation,Modification"/>
        <property name="omero.fs.pathMode"  value="Follow"/>
        <property name="omero.fs.whitelist"  value=""/>
        <property name="omero.fs.blacklist"  value=""/>
        <property name="omero.fs.timeout"  value="0.0"/>
        <property name="omero.fs.timeToLive"  value="0"/>
        <property name="omero.fs.timeToIdle"  value="600"/>
        <property name="omero.fs.blockSize"  value="0"/>
        <property name="omero.fs.ignoreSysFiles"  value="True"/>
        <property name="omero.fs.ignoreDirEvents"  value="True"/>
        <property name="omero.fs.dirImportWait"  value="30"/>
        <property name="omero.fs.fileBatch"  value="10"/>
        <property name="omero.fs.throttleImport"  value="10"/>
        <property name="omero.fs.readers"  value=""/>
        <property name="omero.fs.importArgs"  value=""/>
    </properties>
    <properties id="Profile">
        <property name="omero.fs.fileBatch"  value="20"/>
    </properties>
    <server-template id="MonitorServerTemplate">
      <server id="MonitorServer" exe="\${exe}" activation="always">
        <properties>
          <properties refid="Profile"/>
          <property name="omero.fs.monitorServerIdString" value="MonitorServer"/>
          <property name="omero.fs.dirImportWait" value="999"/>
        </properties>
      </server>
    </server-template>
    <server-template id="DropBoxTemplate">
      <parameter name="exe" default="\${PYTHON}"/>
      <server id="DropBox" exe="\${exe}" activation="always" pwd="\${OMERO_HOME}">
        <option>\${OMEROPY_HOME}fsDropBox.py</option>
        <adapter name="omerofs.DropBox" endpoints="tcp"/>
        <properties>
          <properties refid="DropBox"/>
          <properties refid="Profile"/>
          <property name="omero.fs.serverIdString" value="MonitorServer"/>
          <property name="omero.fs.throttleImport" value="5"/>
        </properties>
      </server>
    </server-template>
    <server-template id="TestDropBoxTemplate">
      <server id="TestDropBox" exe="\${exe}" activation="manual">
        <properties>
          <properties refid="DropBox"/>
          <property name="omero.fs.clientIdString" value="TestDropBox"/>
          <property name="omero.fs.throttleImport" value="1"/>
        </properties>
      </server>
    </server-template>
</icegrid>
`;

  test("loads: DropBox block < Profile block < DropBox server; other servers' values are not read", () => {
    writeXml(WHOLE);
    const r = load();
    expect(r.problems).toEqual([]);
    const w = r.config!.watches;
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ user: "default", watchDir: path.join(h.dir, "data", "DropBox") });
    expect(w[0]!.dirImportWait).toBe(30); // not MonitorServer's 999
    expect(w[0]!.fileBatch).toBe(20); // Profile over DropBox block
    expect(w[0]!.throttleImport).toBe(5); // DropBox server over both, not TestDropBox's 1
    expect(r.warnings).toEqual([
      expect.stringContaining('omero.fs.dirImportWait inside <server-template id="MonitorServerTemplate">'),
      expect.stringContaining('omero.fs.throttleImport inside <server-template id="TestDropBoxTemplate">'),
    ]);
    expect(r.notes.length).toBeGreaterThanOrEqual(8);
  });
});
