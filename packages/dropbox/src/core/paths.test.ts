import {
  sharedLinkProblem,
  containmentProblem,
  groupingPartition,
  isSysFileName,
  matchesWhitelist,
  normaliseWhitelist,
  resolveBlacklist,
  userOfPath,
} from "./paths";

describe("userOfPath", () => {
  const def = { user: "default", watchDir: "/data/DropBox" };
  it("takes the first folder under a default watch as the user", () => {
    expect(userOfPath(def, "/data/DropBox/amy/a/b.tif")).toEqual({
      kind: "user",
      user: "amy",
      userRoot: "/data/DropBox/amy",
    });
  });
  it("refuses files directly in the default DropBox", () => {
    const d = userOfPath(def, "/data/DropBox/a.tif");
    expect(d.kind).toBe("refused");
    if (d.kind === "refused") expect(d.reason).toMatch(/outside user directories/);
  });
  it("ignores paths outside the watch, and the watch itself", () => {
    expect(userOfPath(def, "/data/DropBoxX/amy/a.tif")).toEqual({ kind: "outside" });
    expect(userOfPath(def, "/data/DropBox")).toEqual({ kind: "outside" });
    expect(userOfPath(def, "/data/DropBox/../x/a.tif")).toEqual({ kind: "outside" });
  });
  it("gives every file of a named-user watch to that user, with no <user>/ level", () => {
    const w = { user: "zak", watchDir: "/srv/zak" };
    expect(userOfPath(w, "/srv/zak/f.fake")).toEqual({ kind: "user", user: "zak", userRoot: "/srv/zak" });
    expect(userOfPath(w, "/srv/zak/sub/g.fake")).toEqual({ kind: "user", user: "zak", userRoot: "/srv/zak" });
  });
  it("keeps Unicode and hostile names intact", () => {
    const d = userOfPath(def, "/data/DropBox/Zoë/$(touch x)/-rf\n.tif");
    expect(d).toEqual({ kind: "user", user: "Zoë", userRoot: "/data/DropBox/Zoë" });
  });
});

describe("containmentProblem", () => {
  it("accepts a real path inside the user's folder", () => {
    expect(containmentProblem("/d/amy", "/d/amy/x/y.tif", "/d/amy/l.tif")).toBeNull();
  });
  it("refuses a symlink escape, including a sibling with a common prefix", () => {
    expect(containmentProblem("/d/amy", "/etc/passwd", "/d/amy/l.tif")).toMatch(/outside the user's folder/);
    expect(containmentProblem("/d/amy", "/d/amyx/a.tif", "/d/amy/l.tif")).toMatch(/symlink escape/);
    expect(containmentProblem("/d/amy", "/d/zak/a.tif", "/d/amy/l.tif")).not.toBeNull();
  });
});

describe("filters", () => {
  it("recognises system files as the monitor does", () => {
    for (const n of [
      ".DS_Store",
      "a.tif~",
      "~$doc",
      "#x#",
      "Thumbs.db",
      "x.filepart",
      "x.crdownload",
      "New Folder (2)",
    ])
      expect(isSysFileName(n)).toBe(true);
    for (const n of ["a.tif", "Übersicht_細胞 (1).tif", "-rf.tif", "$(touch x).tif"])
      expect(isSysFileName(n)).toBe(false);
  });
  it("matches whitelists case-insensitively with multi-part suffixes", () => {
    const wl = normaliseWhitelist(["TIF", "*.ome.tiff", "."]);
    expect(wl).toEqual([".tif", ".ome.tiff"]);
    expect(matchesWhitelist("A.TIF", wl)).toBe(true);
    expect(matchesWhitelist("a.ome.tiff", wl)).toBe(true);
    expect(matchesWhitelist("a.czi", wl)).toBe(false);
    expect(matchesWhitelist("a.czi", [])).toBe(true);
  });
  it("resolves relative blacklist entries below the watch", () => {
    expect(resolveBlacklist("/w", ["tmp/", "/abs/x"])).toEqual(["/w/tmp", "/abs/x"]);
  });
});

describe("groupingPartition", () => {
  it("is the first folder below the user's folder", () => {
    expect(groupingPartition("/d/amy", "/d/amy/run1/Pos_0/metadata.txt")).toBe("run1");
    expect(groupingPartition("/d/amy", "/d/amy/run1/a.tif")).toBe("run1");
  });
  it("keeps files of the user's folder with the companion folders they refer to", () => {
    for (const p of [
      "/d/amy/x.vsi",
      "/d/amy/_x_/stack1/frame_t.ets",
      "/d/amy/x.oif.files/s_C001.tif",
      "/d/amy/Data/a.dat",
      "/d/amy/Pos_1/img.tif",
      "/d/amy/Well A01/f.tif",
    ])
      expect(groupingPartition("/d/amy", p)).toBe("");
  });
});

describe("hard links between users' folders", () => {
  it("refuses a file also linked under another user's folder, naming it; links within one user's folder are fine", () => {
    expect(sharedLinkProblem("amy", [{ path: "/d/amy/b.tif", user: "amy" }])).toBeNull();
    expect(sharedLinkProblem("amy", [])).toBeNull();
    expect(sharedLinkProblem("amy", [{ path: "/d/zak/x.tif", user: "zak" }])).toBe(
      "a hard link of /d/zak/x.tif in zak's folder: a file shared with another user's folder is not imported for either; remove the link that does not belong",
    );
  });
});
