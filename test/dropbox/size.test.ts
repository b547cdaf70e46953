/**
 * Size before an import (issue 19): a sparse 1 TiB file is not copied as zeros by the local
 * importer (the free space is checked first, the message says it is sparse), and
 * omero.fs.maxFilesetSize refuses a larger fileset with the reason. e2e: real processes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Home, imports, makeHome, up, waitFor, write } from "./harness";

jest.setTimeout(60_000);

let h: Home;
let down: () => Promise<void> = async () => undefined;
afterEach(async () => {
  await down();
  h?.cleanup();
});

/** Bytes under ManagedRepository (what the local importer wrote). */
function repoBytes(): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else n += fs.statSync(p).size;
    }
  };
  const repo = path.join(h.home, "data", "ManagedRepository");
  if (fs.existsSync(repo)) walk(repo);
  return n;
}

test("a sparse 1 TiB file: refused for the free space, nothing written, the reason says it is sparse", async () => {
  h = makeHome();
  ({ down } = await up(h, { OMERO_FS_TEST_RETRY_BASE_MS: "60000" }));
  const huge = path.join(h.dropbox, "amy", "huge.fake");
  fs.mkdirSync(path.dirname(huge), { recursive: true });
  fs.closeSync(fs.openSync(huge, "w"));
  fs.truncateSync(huge, 1024 ** 4);
  const failed = await waitFor(() => imports(h).find((i) => i.error) ?? null, "the import's first attempt failed", {
    timeoutMs: 30_000,
  });
  expect(failed.error).toMatch(
    /^not enough free space for the import: the fileset is 1,099,511,627,776 bytes \(1024\.0 GiB; only .* allocated on disk: a sparse file, read and written as zeros\), .* free where the local importer writes/,
  );
  expect(repoBytes()).toBe(0);
});

test("omero.fs.maxFilesetSize: a larger fileset fails with the reason, not retried; a smaller one is imported", async () => {
  h = makeHome({ "omero.fs.maxFilesetSize": "8K" });
  ({ down } = await up(h));
  const big = write(path.join(h.dropbox, "amy", "big.fake"), Buffer.alloc(20_000, 1));
  const small = write(path.join(h.dropbox, "amy", "small.fake"), Buffer.alloc(100, 1));
  await waitFor(
    () => {
      const all = imports(h);
      const b = all.find((i) => i.files.includes(big));
      const s = all.find((i) => i.files.includes(small));
      return b?.state === "failed" && s?.state === "imported" ? b : null;
    },
    "big failed, small imported",
    { timeoutMs: 30_000 },
  ).then((b) => {
    expect(b.error).toMatch(
      /^the fileset is 20,480 bytes \(20480 bytes\), more than omero\.fs\.maxFilesetSize \(8,192 bytes\): not imported; raise the limit/,
    );
    expect(b.attempts).toBe(1);
  });
});
