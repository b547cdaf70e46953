import {
  childInScope,
  descendInto,
  inScope,
  isSysFileName,
  matchesWhitelist,
  normaliseWhitelist,
  publishFilter,
  resolveBlacklist,
  type Scope,
  shouldPublish,
} from "./filters";
import { MAX_FOLDER_DEPTH, withMonitorDefaults } from "@omero-fs/protocol";

const scope = (over: Partial<Scope> = {}): Scope => ({
  watchDir: "/w",
  pathMode: "Follow",
  blacklist: [],
  ignoreSysFiles: true,
  startDirs: new Set(["/w", "/w/old"]),
  ...over,
});

test.each([
  [".DS_Store", true],
  [".nfs0001", true],
  ["a.tif~", true],
  ["~$x.docx", true],
  ["#a#", true],
  ["Thumbs.db", true],
  ["THUMBS.DB", true],
  ["desktop.ini", true],
  ["x.part", true],
  ["x.crdownload", true],
  ["x.TMP", true],
  ["x.filepart", true],
  ["x.swp", true],
  ["untitled folder", true],
  ["untitled folder 2", true],
  ["New Folder (3)", true],
  ["a.tif", false],
  ["partial.tif", false],
  ["folder", false],
  // Zarr v2 metadata: an OME-Zarr cannot be proven complete without them.
  [".zattrs", false],
  [".zarray", false],
  [".zgroup", false],
  [".zmetadata", false],
  [".zattrs.swp", true],
])("isSysFileName(%j) = %s", (name, want) => {
  expect(isSysFileName(name)).toBe(want);
});

test("whitelist: normalised, case-insensitive, multi-part", () => {
  const wl = normaliseWhitelist([".OME.TIF", "dv", "*.ics", " "]);
  expect(wl).toEqual([".ome.tif", ".dv", ".ics"]);
  expect(matchesWhitelist("a.ome.TIF", wl)).toBe(true);
  expect(matchesWhitelist("a.tif", wl)).toBe(false);
  expect(matchesWhitelist("b.DV", wl)).toBe(true);
  expect(matchesWhitelist("anything", [])).toBe(true);
});

test("blacklist resolves relative entries below watchDir", () => {
  expect(resolveBlacklist("/w", ["a/b/", "/abs/x"])).toEqual(["/w/a/b", "/abs/x"]);
  expect(inScope("/w/a/b/c.tif", scope({ blacklist: ["/w/a/b"] }))).toBe(false);
  expect(inScope("/w/a/bc.tif", scope({ blacklist: ["/w/a/b"] }))).toBe(true);
});

test("pathMode scope", () => {
  expect(inScope("/w/x", scope({ pathMode: "Flat" }))).toBe(true);
  expect(inScope("/w/d/x", scope({ pathMode: "Flat" }))).toBe(false);
  expect(inScope("/w/old/x", scope({ pathMode: "Recurse" }))).toBe(true);
  expect(inScope("/w/new/x", scope({ pathMode: "Recurse" }))).toBe(false);
  expect(inScope("/w/new/x", scope())).toBe(true);
  expect(inScope("/w", scope())).toBe(false);
  expect(inScope("/other/x", scope())).toBe(false);
  expect(inScope("/w/.git/x", scope())).toBe(false);
  expect(inScope("/w/.git/x", scope({ ignoreSysFiles: false }))).toBe(true);
  expect(inScope("/w/.omero-fs-cookie-1", scope({ ignoreSysFiles: false }))).toBe(false);
  expect(descendInto("/w/d", scope({ pathMode: "Flat" }))).toBe(false);
  expect(descendInto("/w/old", scope({ pathMode: "Recurse" }))).toBe(true);
  expect(descendInto("/w/new", scope({ pathMode: "Recurse" }))).toBe(false);
});

test("a folder MAX_FOLDER_DEPTH levels down is an entry, but not entered: what is inside it is out of scope", () => {
  const at = (depth: number) => `/w${"/d".repeat(depth)}`;
  expect(descendInto(at(MAX_FOLDER_DEPTH - 1), scope())).toBe(true);
  expect(inScope(at(MAX_FOLDER_DEPTH), scope())).toBe(true);
  expect(descendInto(at(MAX_FOLDER_DEPTH), scope())).toBe(false);
  expect(inScope(`${at(MAX_FOLDER_DEPTH)}/f.tif`, scope())).toBe(false);
  expect(inScope(at(2000), scope())).toBe(false);
});

test("publish filter: eventTypes, dirs, whitelist on files only", () => {
  const f = publishFilter(withMonitorDefaults({ watchDir: "/w", whitelist: [".tif"], ignoreDirEvents: false }));
  expect(shouldPublish({ path: "/w/a.tif", type: "Create", isDir: false }, f)).toBe(true);
  expect(shouldPublish({ path: "/w/a.txt", type: "Create", isDir: false }, f)).toBe(false);
  expect(shouldPublish({ path: "/w/d", type: "Create", isDir: true }, f)).toBe(true);
  expect(shouldPublish({ path: "/w/a.tif", type: "Delete", isDir: false }, f)).toBe(false);
});

test("childInScope agrees with inScope for the entries of a directory in scope", () => {
  const cases: [string, string][] = [
    ["/w", "a.tif"],
    ["/w", ".DS_Store"],
    ["/w", ".omero-fs-cookie-1"],
    ["/w", "skip"],
    ["/w/skip2", "x"],
    ["/w/a", "b.tif"],
    ["/w/a", "untitled folder"],
    ["/w/old", "f.tif"],
    ["/w/new", "f.tif"],
    ["/w/a/b", "Thumbs.db"],
  ];
  for (const pathMode of ["Flat", "Recurse", "Follow"] as const)
    for (const ignoreSysFiles of [true, false]) {
      const s = scope({ pathMode, ignoreSysFiles, blacklist: ["/w/skip", "/w/skip2/x"] });
      for (const [dir, name] of cases) {
        if (dir !== "/w" && !inScope(dir, s)) continue; // the precondition: dir in scope
        expect([pathMode, ignoreSysFiles, dir, name, childInScope(dir, name, s)]).toEqual([
          pathMode,
          ignoreSysFiles,
          dir,
          name,
          inScope(`${dir}/${name}`, s),
        ]);
      }
    }
});
