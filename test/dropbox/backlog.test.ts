/** A burst larger than the event backlog: queued events are dropped and the watch rescanned, nothing lost (e2e). */
import * as path from "node:path";
import {
  dropboxLogShows,
  files,
  type Home,
  imports,
  makeHome,
  managedCopies,
  sync,
  up,
  waitFor,
  write,
} from "./harness";

jest.setTimeout(60_000);

describe("event backlog cap (OMERO_FS_TEST_DROPBOX_BACKLOG=20)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    h = makeHome({ "omero.fs.dirImportWait": "0.3" });
    // Each block takes 50 ms to apply, as behind a busy ledger: blocks queue behind it (a group of
    // 24 paths waiting is already more than the cap of 20).
    ({ down } = await up(h, { OMERO_FS_TEST_DROPBOX_BACKLOG: "20", OMERO_FS_TEST_DROPBOX_APPLY_MS: "50" }));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  // 12 times the cap: a larger burst tests nothing more and costs an import per file.
  it("imports every file of a 240-file burst exactly once and says it rescanned", async () => {
    const made: string[] = [];
    // Many blocks in quick succession (a pause between groups), so several queue while one is applied.
    for (let g = 0; g < 10; g++) {
      for (const u of ["amy", "bob"])
        for (let i = 0; i < 12; i++) made.push(write(path.join(h.dropbox, u, `d${g % 5}`, `g${g}-${i}.fake`), ""));
      await new Promise((r) => setTimeout(r, 15));
    }
    await sync(h.home);
    // sync returns only once every file is in the ledger, dropped events included.
    expect(files(h).length).toBe(made.length);
    await waitFor(() => imports(h, { state: "imported" }).length === made.length || null, "all imported", {
      timeoutMs: 40000,
    });
    const copies = managedCopies(h);
    for (const p of made) expect(copies.get(p)).toBe(1);
    await dropboxLogShows(h, /event paths waiting to be applied \(more than 20\): dropped them; rescanning/);
  });
});
