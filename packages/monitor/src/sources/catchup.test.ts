import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { FsEvent } from "@omero-fs/protocol";
import * as parcel from "@parcel/watcher";
import { KnownTree } from "../core/known";
import { catchUp } from "./catchup";

/** The known-set a baseline walk builds (names and kinds, no inodes). */
function walk(root: string): KnownTree {
  const k = new KnownTree(root);
  const visit = (d: string) => {
    for (const de of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, de.name);
      k.add(p, de.isDirectory());
      if (de.isDirectory()) visit(p);
    }
  };
  visit(root);
  return k;
}

test("catch-up: the snapshot of the last run against the tree now, through compareWithKnown", async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "catchup-")));
  const file = `${dir}.snapshot`;
  const at = (...p: string[]) => path.join(dir, ...p);
  for (const p of ["keep.tif", "mod.tif", "del.tif", "d2f/inner.tif", "f2d"]) {
    fs.mkdirSync(path.dirname(at(p)), { recursive: true });
    fs.writeFileSync(at(p), "x");
  }
  await parcel.writeSnapshot(dir, file);
  // While "stopped":
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(at("mod.tif"), later, later);
  fs.rmSync(at("del.tif"));
  fs.rmSync(at("d2f"), { recursive: true });
  fs.writeFileSync(at("d2f"), "now a file");
  fs.rmSync(at("f2d"));
  fs.mkdirSync(at("f2d"));
  fs.writeFileSync(at("f2d", "in.tif"), "x");
  fs.mkdirSync(at("new"));
  fs.writeFileSync(at("new", "a.tif"), "x");

  const events: FsEvent[] = [];
  const n = catchUp(
    { snapshotFile: file, watchDir: dir, known: walk(dir), inScope: () => true, knownDirs: new Set() },
    (ev) => events.push(ev),
  );
  const got = events.map((e) => [e.type, path.relative(dir, e.path), e.isDir]);
  expect(got.sort()).toEqual(
    [
      ["Modify", "mod.tif", false],
      ["Delete", "del.tif", false],
      ["Delete", "d2f/inner.tif", false],
      // Another kind under the same name: the old one's Delete, then the new one's Create.
      ["Delete", "d2f", true],
      ["Create", "d2f", false],
      ["Delete", "f2d", false],
      ["Create", "f2d", true],
      ["Create", "f2d/in.tif", false],
      ["Create", "new", true],
      ["Create", "new/a.tif", false],
    ].sort(),
  );
  expect(events.every((e) => e.catchUp)).toBe(true);
  expect(n).toBe(8); // one per path
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(file, { force: true });
});
