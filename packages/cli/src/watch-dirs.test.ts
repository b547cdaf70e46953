import type { OmeroFsConfig } from "@omero-fs/config";
import { watchDirProblems } from "./watch-dirs";

const cfg = (watches: { index: number; user: string; watchDir: string }[]) => ({ watches }) as unknown as OmeroFsConfig;

describe("config check: watch directories on disk", () => {
  const two = cfg([
    { index: 0, user: "amy", watchDir: "/mnt/amy" },
    { index: 1, user: "zak", watchDir: "/mnt/zak" },
  ]);
  test("a missing one is a problem naming watchDir and the watch (counted from 1)", () => {
    const r = watchDirProblems(two, (d) => (d === "/mnt/zak" ? { error: "ENOENT" } : "dir"), false);
    expect(r.problems).toEqual([
      {
        property: "omero.fs.watchDir",
        slot: 1,
        message:
          "omero.fs.watchDir, watch 2 of 2 (zak): /mnt/zak does not exist (an unmounted share, or a typo?); nothing in it is imported until it is there: create or mount it, or fix omero.fs.watchDir",
      },
    ]);
  });
  test("a file, an unreadable folder", () => {
    const r = watchDirProblems(two, (d) => (d === "/mnt/amy" ? "not-dir" : { error: "EACCES" }), false);
    expect(r.problems.map((p) => p.message.split(";")[0])).toEqual([
      "omero.fs.watchDir, watch 1 of 2 (amy): /mnt/amy is not a directory",
      "omero.fs.watchDir, watch 2 of 2 (zak): /mnt/zak cannot be read by this user (permission denied)",
    ]);
  });
  test("the default DropBox of a fresh home is created at the first start: a note", () => {
    const one = cfg([{ index: 0, user: "default", watchDir: "/h/data/DropBox" }]);
    const r = watchDirProblems(one, () => ({ error: "ENOENT" }), true);
    expect(r.problems).toEqual([]);
    expect(r.notes).toEqual([
      "omero.fs.watchDir, watch 1 of 1 (default): /h/data/DropBox does not exist yet; DropBox creates it at its first start",
    ]);
    // Once a DropBox ran, a missing one is an unmounted share, not a fresh home.
    expect(watchDirProblems(one, () => ({ error: "ENOENT" }), false).problems).toHaveLength(1);
  });
});
