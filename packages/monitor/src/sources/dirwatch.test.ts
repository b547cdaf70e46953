import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DirWatches } from "./dirwatch";

test("closeBelow closes a directory's watches and every one below it, also below a directory whose own watch went", () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "dirw-")));
  const dirs = ["a", "a/b", "a/b/c", "a/b/c/d", "a2", "x"].map((d) => path.join(root, d));
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
  const w = new DirWatches(() => undefined);
  try {
    for (const d of [root, ...dirs]) expect(w.add(d)).toBeNull();
    w.closeBelow(path.join(root, "a"));
    expect([root, ...dirs].filter((d) => w.has(d))).toEqual([root, path.join(root, "a2"), path.join(root, "x")]);
    // a/b's watch failed on its own: a/b/c and a/b/c/d can only be found by a scan now.
    for (const d of dirs) w.add(d);
    w.close(path.join(root, "a", "b"));
    w.closeBelow(path.join(root, "a"));
    expect([root, ...dirs].filter((d) => w.has(d))).toEqual([root, path.join(root, "a2"), path.join(root, "x")]);
    expect(w.size).toBe(3);
  } finally {
    w.closeAll();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
