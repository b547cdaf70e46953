import {
  classifyLogin,
  inPlaceProblem,
  omeroWebLink,
  parseFsSetsCheck,
  parseImporterVersions,
  parseUsedFiles,
  parseUserList,
  rejectedImportArg,
  serverProblemOfImport,
  unreadableSource,
} from "./omero-output";

const PW = "omero.fs.omeroPasswordFile /etc/pw";

describe("classifyLogin: whose problem a failed login is (omero-py sessions.py messages)", () => {
  it("an unknown user is the fileset's (its folder names no OMERO user)", () => {
    expect(
      classifyLogin(
        [
          "InternalException: Failed to connect: exception ::omero::ApiUsageException",
          "{",
          "    message = No such experimenter: zak",
          "}",
        ],
        "root",
        PW,
      ),
    ).toEqual({ scope: "user", reason: "user zak unknown to OMERO" });
  });
  it("a refused connection, a bad host name, a lost connection: OMERO unreachable", () => {
    for (const line of [
      "Ice.ConnectionRefusedException: omero.example.org:4064 isn't running",
      "Ice.DNSException: bad host name: 'omero.invalid'",
      "InternalException: Failed to connect: Ice.ConnectionLostException: recv() returned zero",
      "InternalException: Failed to connect: Ice.ConnectTimeoutException",
    ])
      expect(classifyLogin(["Previous session expired for root on h:4064", line], "root", PW)).toEqual({
        scope: "server",
        problem: { kind: "unreachable", reason: line },
      });
  });
  it("a refused admin password names the setting to fix", () => {
    expect(
      classifyLogin(
        ["Password check failed for 'root': [id:0]", "stdin is not a terminal: cannot request password"],
        "root",
        PW,
      ),
    ).toEqual({
      scope: "server",
      problem: { kind: "login-refused", reason: `OMERO login as root refused the admin password (check ${PW})` },
    });
  });
  it("an admin without the Sudo privilege, and any other login failure, is the server's", () => {
    expect(classifyLogin(["SecurityViolation: Admins only!"], "root", PW)).toMatchObject({
      scope: "server",
      problem: { kind: "login-refused" },
    });
    expect(classifyLogin(["InternalException: Failed to connect: Server not fully initialized"], "root", PW)).toEqual({
      scope: "server",
      problem: { kind: "server-error", reason: "InternalException: Failed to connect: Server not fully initialized" },
    });
  });
});

describe("serverProblemOfImport: the whole server, or this fileset", () => {
  it("connection errors of the Java importer are an outage", () => {
    expect(
      serverProblemOfImport([
        "ERROR [   ome.formats.importer.ImportLibrary] (main) Error on import",
        "Ice.ConnectionLostException",
        "    error = 0",
      ]),
    ).toEqual({ kind: "unreachable", reason: "Ice.ConnectionLostException" });
  });
  it("a full repository disk or a busy database is a server error", () => {
    expect(serverProblemOfImport(["omero.ResourceError: No space left on device"])).toEqual({
      kind: "server-error",
      reason: "omero.ResourceError: No space left on device",
    });
  });
  it("a reader error is the fileset's", () => {
    expect(
      serverProblemOfImport([
        "ERROR [ ome.formats.importer.cli.ErrorHandler] FILE_EXCEPTION: /d/amy/x.tif",
        "loci.formats.FormatException: Invalid TIFF file",
      ]),
    ).toBeNull();
  });
  it("an unreadable source and an in-place refusal are named", () => {
    expect(unreadableSource(["java.io.FileNotFoundException: /d/amy/x.tif (Permission denied)"])).toBe("/d/amy/x.tif");
    expect(unreadableSource(["java.io.FileNotFoundException: /d/amy/x.tif (No such file or directory)"])).toBeNull();
    expect(
      inPlaceProblem([
        "Check failed: /OMERO/x does not exist!",
        "You likely do not have access to the ManagedRepository for in-place import.",
      ]),
    ).toMatch(/^in-place import refused: this host cannot write the OMERO ManagedRepository/);
    expect(inPlaceProblem(["Most likely the server process has no read access"])).toMatch(
      /the OMERO server cannot read the linked file/,
    );
  });
});

describe("parseUsedFiles: import -f as OMERO.dropbox's as_dictionary reads it", () => {
  it("groups start at a # line; the first used file is the key", () => {
    expect(
      parseUsedFiles([
        "#======================================",
        "# Group: /d/a.dv SPW: false Reader: loci.formats.in.DeltavisionReader",
        "/d/a.dv",
        "/d/a.dv.log",
        "#======================================",
        "# Group: /d/b.tif SPW: false Reader: loci.formats.in.TiffReader",
        "/d/b.tif",
        "",
      ]),
    ).toEqual([
      { group: "/d/a.dv", reader: "loci.formats.in.DeltavisionReader", files: ["/d/a.dv", "/d/a.dv.log"] },
      { group: "/d/b.tif", reader: "loci.formats.in.TiffReader", files: ["/d/b.tif"] },
    ]);
    expect(parseUsedFiles([])).toEqual([]);
  });
  it("a name with spaces and a hash inside stays one path", () => {
    expect(parseUsedFiles(["#==", "# Group: /d/a #1.tif SPW: true Reader: R", "/d/a #1.tif"])).toEqual([
      { group: "/d/a #1.tif", reader: "R", files: ["/d/a #1.tif"] },
    ]);
  });
});

describe("users, versions, rejected arguments, fs sets", () => {
  it("user list --style json", () => {
    expect(
      parseUserList([
        '[{"id": "0", "login": "root", "email": "", "active": "Yes"},',
        '{"id": "2", "login": "amy", "email": "amy@example.org", "active": "Yes"}]',
      ]),
    ).toEqual([
      { login: "root", email: null, active: true },
      { login: "amy", email: "amy@example.org", active: true },
    ]);
    expect(parseUserList(["[]"])).toEqual([]);
  });
  it("the importer's Server: and Client: lines", () => {
    expect(
      parseImporterVersions([
        "INFO  [    ome.formats.OMEROMetadataStoreClient] (main) Server: 5.6.9-ice36",
        "INFO  [    ome.formats.OMEROMetadataStoreClient] (main) Client: 5.6.10",
      ]),
    ).toEqual({ server: "5.6.9-ice36", client: "5.6.10" });
    expect(parseImporterVersions(["No imports found"])).toEqual({ server: null, client: null });
  });
  it("getopt's words for an argument Java does not take", () => {
    expect(rejectedImportArg(["importer-cli: unrecognized option '--bogus'", "", " Usage: ..."])).toBe(
      "unrecognized option '--bogus'",
    );
    expect(rejectedImportArg(["importer-cli: option requires an argument -- T"])).toBe(
      "option requires an argument -- T",
    );
    expect(rejectedImportArg(["ERROR ... Failed to load file transfer class ln_x"])).toBe("unknown --transfer ln_x");
    expect(rejectedImportArg(["#====", "/d/a.tif"])).toBeNull();
  });
  it("fs sets --check", () => {
    expect(
      parseFsSetsCheck([
        '[{"Id": "7", "Transfer": "ln_s", "Check": "OK"}, {"Id": "6", "Transfer": "ln_s", "Check": "ERROR!"}]',
      ]),
    ).toEqual([
      { id: "7", transfer: "ln_s", ok: true },
      { id: "6", transfer: "ln_s", ok: false },
    ]);
  });
});

describe("omeroWebLink", () => {
  const web = "https://omero.example.org/webclient/";
  it("shows the images (or the plate) of a target", () => {
    expect(omeroWebLink(web, "Image:1,2")).toBe(`${web}?show=image-1|image-2`);
    expect(omeroWebLink(web, "Fileset:5; Image:7,8")).toBe(`${web}?show=image-7|image-8`);
    expect(omeroWebLink(web, "Plate:3; Image:9")).toBe(`${web}?show=plate-3`);
    expect(omeroWebLink("https://o.example.org/webclient", "Image:4")).toBe(
      "https://o.example.org/webclient/?show=image-4",
    );
  });
  it("no link without a webUrl, a target or ids", () => {
    expect(omeroWebLink("", "Image:1")).toBeNull();
    expect(omeroWebLink(web, null)).toBeNull();
    expect(omeroWebLink(web, "/data/ManagedRepository/amy/2026-01/01/x")).toBeNull();
  });
});
