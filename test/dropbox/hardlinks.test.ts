/**
 * Who owns a file, hard links (issue 19): a hard link in amy's folder to a file under zak's folder
 * is refused with the reason, never imported for amy; while such a link exists, zak's file waiting
 * for import is not imported for either; once the link is gone, zak's is. e2e: real processes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { files, type Home, imports, makeHome, sync, tiff, up, waitFor, write } from "./harness";

jest.setTimeout(90_000);

let h: Home;
let down: () => Promise<void> = async () => undefined;
afterEach(async () => {
  await down();
  h?.cleanup();
});

const fileOf = (p: string) => files(h).find((f) => f.path === p);
const importsOf = (p: string) => imports(h).filter((i) => i.files.includes(p));

test("a hard link in amy's folder to zak's imported file: refused with the reason, nothing imported for amy", async () => {
  h = makeHome();
  ({ down } = await up(h));
  const zak = write(path.join(h.dropbox, "zak", "a.tif"), tiff());
  await waitFor(() => fileOf(zak)?.state === "imported" || null, "zak's file imported", { timeoutMs: 20_000 });
  const amy = path.join(h.dropbox, "amy", "stolen.tif");
  fs.mkdirSync(path.dirname(amy), { recursive: true });
  fs.linkSync(zak, amy);
  await sync(h.home);
  await waitFor(() => fileOf(amy)?.state === "refused" || null, "amy's link refused");
  expect(fileOf(amy)!.reason).toBe(
    `a hard link of ${zak} in zak's folder: a file shared with another user's folder is not imported for either; remove the link that does not belong`,
  );
  expect(importsOf(amy)).toEqual([]);
  expect(importsOf(zak).map((i) => i.user)).toEqual(["zak"]);
});

test("while zak's waiting file is also linked in amy's folder neither is imported; once the link is removed, zak's is", async () => {
  h = makeHome({ "omero.fs.dirImportWait": "5" });
  ({ down } = await up(h));
  const zak = write(path.join(h.dropbox, "zak", "b.tif"), tiff());
  await sync(h.home);
  const amy = path.join(h.dropbox, "amy", "b.tif");
  fs.mkdirSync(path.dirname(amy), { recursive: true });
  fs.linkSync(zak, amy);
  await sync(h.home);
  await waitFor(
    () => (fileOf(amy)?.state === "refused" && fileOf(zak)?.state === "refused") || null,
    "both names refused",
  ).catch((e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(files(h), null, 1)}`);
  });
  expect(imports(h)).toEqual([]);
  fs.unlinkSync(amy);
  await sync(h.home);
  await waitFor(() => importsOf(zak).some((i) => i.state === "imported") || null, "zak's file imported", {
    timeoutMs: 30_000,
  });
  expect(importsOf(zak).map((i) => i.user)).toEqual(["zak"]);
  expect(fileOf(amy)).toBeUndefined();
});
