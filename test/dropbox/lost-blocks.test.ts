/** Event blocks lost in transit with no later block to show the gap (a SUB reconnecting to a restarted MonitorServer) (e2e). */
import * as path from "node:path";
import { dropboxLogShows, type Home, imports, makeHome, up, waitFor, write } from "./harness";

jest.setTimeout(60_000);

describe("a block lost in transit, and no block after it (OMERO_FS_TEST_DROPBOX_DROP_BLOCKS=1)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    h = makeHome({ "omero.fs.dirImportWait": "0.3" });
    ({ down } = await up(h, { OMERO_FS_TEST_DROPBOX_DROP_BLOCKS: "1", OMERO_FS_TEST_DROPBOX_HEALTH_MS: "200" }));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("the health check sees the MonitorServer ahead of what arrived, rescans, and imports the file", async () => {
    // No `sync` here: it has its own lost-block path. Only the health check can notice this loss.
    const p = write(path.join(h.dropbox, "amy", "lost.fake"), "x");
    const i = await waitFor(
      () => imports(h).find((x) => x.files.includes(p) && x.state === "imported") ?? null,
      "the file of the lost block imported",
      { timeoutMs: 20000 },
    );
    expect(i.files).toEqual([p]);
    // Usually only the health check can tell; when the MonitorServer happens to publish the file
    // in two blocks (its fast path's create, then the watcher's modify), the second shows the gap.
    await dropboxLogShows(h, /lost in transit; rescanning|seq gap on monitor \S+: expected 1, got 2; rescanning/);
  });
});
