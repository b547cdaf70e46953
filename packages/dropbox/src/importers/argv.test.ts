import {
  expandExecTemplate,
  formatArgv,
  lastErrorLine,
  lastNonEmptyLine,
  looksLikeExpiredSession,
  omeroImportArgv,
  omeroLoginArgv,
  parseExecTemplate,
  parseIdleTimeout,
  parseImportIds,
  scrubArgv,
  splitSetting,
} from "./argv";
import { ImporterConfigError } from "./errors";

describe("omero argv", () => {
  it("builds OMERO.dropbox's import argv: agent, importArgs tokens, absolute entry last", () => {
    const argv = omeroImportArgv({
      server: "omero.example.org",
      port: 4064,
      key: "k-123",
      errsFile: "/tmp/x/import.err",
      outFile: "/tmp/x/import.out",
      importArgs: ["-T", "regex:^.*/(?<Container1>.*?)"],
      entry: "/data/DropBox/amy/-rf.tif",
    });
    expect(argv).toEqual([
      "-s",
      "omero.example.org",
      "-p",
      "4064",
      "-k",
      "k-123",
      "import",
      "---errs=/tmp/x/import.err",
      "---file=/tmp/x/import.out",
      "--",
      "--agent=dropbox",
      "-T",
      "regex:^.*/(?<Container1>.*?)",
      "/data/DropBox/amy/-rf.tif",
    ]);
  });

  it("adds --exclude=clientpath only for a crash-recovery redo", () => {
    const argv = omeroImportArgv({
      server: "h",
      port: 1,
      key: "k",
      errsFile: "/e",
      outFile: "/o",
      importArgs: [],
      entry: "/a.tif",
      excludeClientPath: true,
    });
    expect(argv.slice(9)).toEqual(["--", "--agent=dropbox", "--exclude=clientpath", "/a.tif"]);
  });

  it("refuses a relative entry", () => {
    expect(() =>
      omeroImportArgv({
        server: "h",
        port: 1,
        key: "k",
        errsFile: "/e",
        outFile: "/o",
        importArgs: [],
        entry: "-rf.tif",
      }),
    ).toThrow("absolute");
  });

  it("logs in with --sudo and no password on argv", () => {
    expect(omeroLoginArgv({ server: "h", port: 4064 }, "root", "amy")).toEqual([
      "login",
      "--sudo",
      "root",
      "-u",
      "amy",
      "-s",
      "h",
      "-p",
      "4064",
    ]);
  });

  it("names the property and watch on an unbalanced importArgs", () => {
    try {
      splitSetting('-T "regex:', "omero.fs.importArgs", 1);
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(ImporterConfigError);
      expect((e as ImporterConfigError).code).toBe("IMPORTER_UNBALANCED_QUOTE");
      expect((e as Error).message).toMatch(/^omero\.fs\.importArgs \(watch 2\): unbalanced double quote/);
    }
  });
});

describe("parseImportIds", () => {
  it("reads the default --output=ids line", () => {
    expect(parseImportIds(["Image:1,2"])).toBe("Image:1,2");
  });
  it("merges the legacy stderr objects and ignores log lines", () => {
    expect(
      parseImportIds([
        "INFO  [ ome.formats.importer.ImportConfig] OMERO Version: 5.6.0",
        "Imported pixels:",
        "Other imported objects:",
        "Fileset:5",
        "Image:7",
        "Image:8",
        "1 file uploaded, 1 fileset created, 2 images imported, 0 errors in 00:00:00.100",
      ]),
    ).toBe("Fileset:5; Image:7,8");
  });
  it("reads yaml output", () => {
    expect(parseImportIds(["---", "- Fileset: 5", "  Image: [1,2]"])).toBe("Fileset:5; Image:1,2");
  });
  it("returns null when nothing was reported", () => {
    expect(parseImportIds(["==> Summary", ""])).toBeNull();
  });
});

describe("CLI output classification", () => {
  it("recognises an expired key", () => {
    expect(looksLikeExpiredSession(["Bad session key. Cannot join abc on h:4064."])).toBe(true);
    expect(looksLikeExpiredSession(["File not found: /x"])).toBe(false);
  });
  it("reads the idle timeout of the login message", () => {
    expect(parseIdleTimeout(["Created session for amy@h:4064. Idle timeout: 10 min. Current group: lab"])).toBe(600);
    expect(parseIdleTimeout(["Idle timeout: 30 s."])).toBe(30);
    expect(parseIdleTimeout(["nothing"])).toBeNull();
  });
  it("picks the last error-looking line as the reason", () => {
    expect(
      lastErrorLine([
        "ERROR [ ErrorHandler] FILE_EXCEPTION: /a.tif",
        "java.lang.RuntimeException: simulated failure 1",
        "",
        "==> Summary",
        "0 files uploaded, 0 filesets created, 0 images imported, 1 error in 00:00:00.012",
      ]),
    ).toBe("java.lang.RuntimeException: simulated failure 1");
    expect(lastErrorLine(["just text", ""])).toBe("just text");
    expect(lastErrorLine([])).toBeNull();
  });
  it("scrubs passwords and keys before logging", () => {
    expect(scrubArgv(["login", "-w", "s3cret", "--password=s3cret", "-k", "KEY1"], ["KEY1"])).toEqual([
      "login",
      "-w",
      "***",
      "--password=***",
      "-k",
      "***",
    ]);
    expect(formatArgv(["import", "a b", 'q"', "x\ny"])).toBe('import "a b" "q\\"" "x\\ny"');
  });
});

describe("exec templates", () => {
  const values = {
    entry: "/d/amy/a b.tif",
    user: "amy",
    files: ["/d/amy/a b.tif", "/d/amy/$(id).tif"],
    fileset: 42,
    watch: 1,
    watchDir: "/d",
  };
  it("substitutes per word after splitting: names are never re-split", () => {
    const t = parseExecTemplate(`/bin/imp --user={user} "--set {fileset}" {entry} -- {files} w{watch} {watchDir}`);
    expect(expandExecTemplate(t, values)).toEqual([
      "/bin/imp",
      "--user=amy",
      "--set 42",
      "/d/amy/a b.tif",
      "--",
      "/d/amy/a b.tif",
      "/d/amy/$(id).tif",
      "w1",
      "/d",
    ]);
  });
  it("does not expand placeholders inside substituted values", () => {
    const t = parseExecTemplate("imp {entry}");
    expect(expandExecTemplate(t, { ...values, entry: "/d/{user}.tif" })).toEqual(["imp", "/d/{user}.tif"]);
  });
  it("leaves unknown braces alone", () => {
    expect(expandExecTemplate(parseExecTemplate("imp {nope} a{1,2}"), values)).toEqual(["imp", "{nope}", "a{1,2}"]);
  });
  it("rejects an empty template and {files} inside a word", () => {
    expect(() => parseExecTemplate("  ")).toThrow(/omero\.fs\.execCommand is empty/);
    expect(() => parseExecTemplate("imp --files={files}")).toThrow(/\{files\} must be a whole word/);
    expect(() => parseExecTemplate("imp 'x")).toThrow(/^omero\.fs\.execCommand: unbalanced single quote/);
  });
  it("takes the last non-empty stdout line as the target", () => {
    expect(lastNonEmptyLine(["a", "  target 1  ", "", " "])).toBe("target 1");
    expect(lastNonEmptyLine(["", ""])).toBeNull();
  });
});
