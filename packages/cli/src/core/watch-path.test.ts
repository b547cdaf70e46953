import { resolveWatchPath } from "./watch-path";

const noLinks = (p: string) => p;

describe("resolveWatchPath (import-existing PATH)", () => {
  test("relative to the current directory, or absolute, under a watch folder", () => {
    expect(resolveWatchPath("alice/run1/", "/data/dropbox", ["/data/dropbox"], noLinks)).toEqual({
      path: "/data/dropbox/alice/run1",
    });
    expect(resolveWatchPath("/data/dropbox", "/", ["/data/dropbox/"], noLinks)).toEqual({ path: "/data/dropbox" });
    expect(resolveWatchPath("../b/x.tif", "/w2/a", ["/w1", "/w2"], noLinks)).toEqual({ path: "/w2/b/x.tif" });
  });

  test("through a symlink: mapped back to the watch folder's spelling", () => {
    const real = (p: string) => (p.startsWith("/home/me/db") ? `/data/dropbox${p.slice(11)}` : p);
    expect(resolveWatchPath("/home/me/db/alice", "/", ["/data/dropbox"], real)).toEqual({
      path: "/data/dropbox/alice",
    });
  });

  test("outside every watch folder: an error naming the path and the folders", () => {
    const r = resolveWatchPath("/data/dropboxes/x", "/", ["/data/dropbox"], noLinks);
    expect(r).toEqual({
      error:
        "/data/dropboxes/x is not in a watch folder; the watch folders are /data/dropbox: give a path under one of them",
    });
    expect(resolveWatchPath("nothing", "/tmp", ["/data/dropbox"], () => null)).toEqual({
      error:
        "nothing (/tmp/nothing) is not in a watch folder; the watch folders are /data/dropbox: give a path under one of them",
    });
  });
});
