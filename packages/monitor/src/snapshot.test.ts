import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as parcel from "@parcel/watcher";
import { readSnapshot } from "./snapshot";

test("readSnapshot reads what @parcel/watcher writes (odd names, newlines, Unicode)", async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "snap-")));
  const names = ["a.tif", "with space", "new\nline", "Übersicht_細胞 (1).tif", "123"];
  fs.mkdirSync(path.join(dir, "sub"));
  for (const n of names) fs.writeFileSync(path.join(dir, "sub", n), "x");
  const file = path.join(dir, "..", `${path.basename(dir)}.snapshot`);
  await parcel.writeSnapshot(dir, file);
  const entries = [...readSnapshot(file)];
  const byPath = new Map(entries.map((e) => [e.path, e]));
  expect(byPath.get(path.join(dir, "sub"))?.isDir).toBe(true);
  for (const n of names) {
    const e = byPath.get(path.join(dir, "sub", n));
    expect(e?.isDir).toBe(false);
    const st = fs.lstatSync(path.join(dir, "sub", n), { bigint: true });
    expect(e?.mtime).toBe(String(st.mtimeNs));
  }
  fs.writeFileSync(file, "2\n3/ab12 0\n");
  expect(() => [...readSnapshot(file)]).toThrow(/malformed/);
  fs.writeFileSync(file, "");
  expect([...readSnapshot(file)]).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(file, { force: true });
});
