/**
 * HCS plates with real processes (issue 10): a 384-well MetaXpress plate written at acquisition
 * pace (index first, a pause longer than dirImportWait) is one fileset imported once its last image
 * is there; images first are held (never lone TIFFs); a plate still incomplete incompleteWait after
 * its last file is `incomplete` (logged, not imported), a late file puts it back to waiting, and
 * `omero-fs imports release ID` imports it as it is. The rules: packages/dropbox/src/core/readiness.test.ts
 * and packages/dropbox/src/pipeline.test.ts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ImportJson } from "@omero-fs/protocol";
import { metaxpressPlate, writeLayout } from "../fixtures/layouts";
import { CLI_BIN } from "../helpers/wait";
import {
  dropboxLog,
  dropboxLogShows,
  type Home,
  imports,
  makeHome,
  type Proc,
  startDropBox,
  startMonitor,
  stop,
  sync,
  up,
  waitFor,
} from "./harness";

jest.setTimeout(120_000);

const WELLS_384 = Array.from({ length: 16 * 24 }, (_, i) => {
  const r = String.fromCharCode(65 + Math.floor(i / 24));
  return `${r}${String((i % 24) + 1).padStart(2, "0")}`;
});

function cli(h: Home, ...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
  return spawnSync(process.execPath, [CLI_BIN, "--home", h.home, ...args], { encoding: "utf8", env });
}

const importOfEntry = (h: Home, entry: string): ImportJson | undefined => imports(h).find((i) => i.entry === entry);

/** Nothing imported for `ms` (a negative claim: the quiet period and more pass, checked all along). */
async function nothingImportedFor(h: Home, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const done = imports(h).filter((i) => i.state !== "waiting");
    if (done.length > 0) throw new Error(`unexpected: ${JSON.stringify(done.map((i) => [i.id, i.state, i.entry]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a 384-well MetaXpress plate (dirImportWait=1)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    h = makeHome({ "omero.fs.dirImportWait": "1", "omero.fs.settleTime": "0.2" });
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("index first, paused longer than dirImportWait mid-plate: one fileset, imported once the last image is there", async () => {
    const fx = metaxpressPlate({ plate: "P384", rows: 16, cols: 24, wells: WELLS_384 });
    const dir = path.join(h.dropbox, "amy", "screen1");
    const entry = path.join(dir, "P384.HTD");
    // The HTD and the first 200 images, then the microscope pauses (3 x dirImportWait).
    await writeLayout(fx, dir, { limit: 201 });
    await sync(h.home);
    const waiting = await waitFor(
      () => {
        const i = importOfEntry(h, entry);
        return i?.waitingFor?.includes("200 of 384 images") ? i : null;
      },
      "the plate waiting with 200 of 384 images",
      { timeoutMs: 20_000 },
    );
    expect(waiting.state).toBe("waiting");
    expect(waiting.waitingFor).toMatch(/^MetaXpress plate P384: 200 of 384 images; missing: P384_I09_w1\.TIF, /);
    await nothingImportedFor(h, 3000);
    expect(imports(h)).toHaveLength(1);
    // The rest of the plate; the last image proves it complete.
    const rest = fx.files.filter((f) => !fs.existsSync(path.join(dir, f.path)));
    await writeLayout({ ...fx, files: rest }, dir, { order: "images-first" });
    const lastAt = Date.now();
    const done = await waitFor(
      () => {
        const i = importOfEntry(h, entry);
        return i?.state === "imported" ? i : null;
      },
      "the plate imported",
      { timeoutMs: 60_000 },
    );
    const after = Date.now() - lastAt;
    expect(done.files).toHaveLength(385);
    expect(done.reader).toBe("loci.formats.in.MetaxpressTiffReader");
    expect(imports(h)).toHaveLength(1);
    // imports show --json: the plate as a plate.
    const show = JSON.parse(cli(h, "imports", "show", String(done.id), "--json").stdout) as ImportJson;
    expect(show.plate).toMatchObject({
      format: "MetaXpress",
      name: "P384",
      reader: "loci.formats.in.MetaxpressTiffReader",
      wells: 384,
      fields: 1,
      channels: 1,
      timepoints: 1,
      expectedImages: 384,
      presentImages: 384,
      missingImages: 0,
      missing: [],
    });
    const text = cli(h, "imports", "show", String(done.id)).stdout;
    expect(text).toContain("384 wells x 1 fields x 1 channels x 1 timepoints");
    expect(text).toContain("384 of 384 images found");
    expect(cli(h, "imports", "list").stdout).toContain(
      "MetaXpress plate P384: 384 wells x 1 field x 1 channel: 384 of 384 images",
    );
    // Proven complete by its index: well before a fresh dirImportWait plus the local import would be at risk.
    expect(after).toBeLessThan(30_000);
  });

  it("images first: held (not imported as lone TIFFs); the HTD makes the one plate", async () => {
    const fx = metaxpressPlate({ plate: "Q", wells: ["A01", "A02", "A03", "A04"] });
    const dir = path.join(h.dropbox, "amy", "screen2");
    const n = imports(h).length;
    await writeLayout(fx, dir, { order: "images-first", limit: 4 });
    await sync(h.home);
    await waitFor(
      () => {
        const r = cli(h, "files", "list", "--json", "--state", "pending");
        const pend = (JSON.parse(r.stdout) as { path: string }[]).filter((f) => f.path.startsWith(dir));
        return pend.length === 4 ? pend : null;
      },
      "the four images pending",
      { timeoutMs: 20_000 },
    );
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      expect(imports(h)).toHaveLength(n);
      await new Promise((r) => setTimeout(r, 100));
    }
    fs.writeFileSync(path.join(dir, "Q.HTD"), fx.files[0]!.content);
    const done = await waitFor(
      () => {
        const i = importOfEntry(h, path.join(dir, "Q.HTD"));
        return i?.state === "imported" ? i : null;
      },
      "the plate imported",
      { timeoutMs: 30_000 },
    );
    expect(done.files).toHaveLength(5);
    expect(imports(h)).toHaveLength(n + 1);
  });
});

describe("incomplete plates (incompleteWait=2, dirImportWait=0.5)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    h = makeHome({ "omero.fs.incompleteWait": "2", "omero.fs.settleTime": "0.2" });
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("incomplete after incompleteWait (logged once, not imported); a late image: waiting; release imports it as it is", async () => {
    const fx = metaxpressPlate({ plate: "R", wells: ["A01", "A02", "A03"] });
    const dir = path.join(h.dropbox, "zak", "run");
    const entry = path.join(dir, "R.HTD");
    await writeLayout(fx, dir, { limit: 2 });
    const inc = await waitFor(
      () => {
        const i = importOfEntry(h, entry);
        return i?.state === "incomplete" ? i : null;
      },
      "the plate incomplete",
      { timeoutMs: 30_000 },
    );
    expect(inc.waitingFor).toMatch(
      /^MetaXpress plate R: 1 of 3 images; missing: R_A02_w1\.TIF, R_A03_w1\.TIF; nothing arrived for \d+ s \(omero\.fs\.incompleteWait\): not imported half; import it as it is with omero-fs imports release \d+$/,
    );
    expect(cli(h, "imports", "list", "--state", "incomplete").stdout).toContain("MetaXpress plate R");
    const log = () =>
      dropboxLog(h)
        .split("\n")
        .filter((l) => l.includes(`[fileset ${inc.id}] incomplete:`));
    await dropboxLogShows(h, `[fileset ${inc.id}] incomplete:`);
    expect(log()).toHaveLength(1);
    // A late image: back to waiting (its wait counts from this arrival).
    fs.writeFileSync(path.join(dir, fx.files[2]!.path), fx.files[2]!.content);
    await waitFor(
      () => (importOfEntry(h, entry)?.state === "waiting" ? true : null),
      "back to waiting after a late image",
      { timeoutMs: 20_000 },
    );
    // Still incomplete 2 s later; then released by hand (through the running DropBox).
    await waitFor(() => (importOfEntry(h, entry)?.state === "incomplete" ? true : null), "incomplete again", {
      timeoutMs: 30_000,
    });
    const r = cli(h, "imports", "release", String(inc.id));
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`import ${inc.id} released: imported as it is once its files are finished\n`);
    const done = await waitFor(
      () => {
        const i = importOfEntry(h, entry);
        return i?.state === "imported" ? i : null;
      },
      "the released plate imported",
      { timeoutMs: 30_000 },
    );
    expect(done.files).toHaveLength(3);
    expect(done.plate).toMatchObject({ expectedImages: 3, presentImages: 2, missingImages: 1 });
    const again = cli(h, "imports", "release", String(inc.id));
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain(
      `import ${inc.id} is imported; only an incomplete or waiting import can be released`,
    );
  });
});

describe("imports release without a running DropBox", () => {
  it("written to the ledger; the next DropBox start imports the incomplete plate as it is", async () => {
    const h = makeHome({ "omero.fs.incompleteWait": "1", "omero.fs.settleTime": "0.2" });
    let monitor: Proc | null = null;
    let dropbox: Proc | null = null;
    try {
      monitor = await startMonitor(h.home);
      dropbox = await startDropBox(h.home);
      const fx = metaxpressPlate({ plate: "S", wells: ["A01", "A02"] });
      const dir = path.join(h.dropbox, "amy", "s");
      const entry = path.join(dir, "S.HTD");
      await writeLayout(fx, dir, { limit: 2 });
      const inc = await waitFor(
        () => {
          const i = importOfEntry(h, entry);
          return i?.state === "incomplete" ? i : null;
        },
        "the plate incomplete",
        { timeoutMs: 30_000 },
      );
      await stop(dropbox);
      dropbox = null;
      const r = cli(h, "imports", "release", String(inc.id));
      expect(r.stdout).toBe(
        `import ${inc.id} released: imported as it is once its files are finished (DropBox is not running: it imports it when it starts)\n`,
      );
      expect(importOfEntry(h, entry)?.state).toBe("waiting");
      dropbox = await startDropBox(h.home);
      const done = await waitFor(
        () => {
          const i = importOfEntry(h, entry);
          return i?.state === "imported" ? i : null;
        },
        "imported after the restart",
        { timeoutMs: 30_000 },
      );
      expect(done.files).toEqual([entry, path.join(dir, "S_A01_w1.TIF")]);
    } finally {
      await stop(dropbox);
      await stop(monitor);
      h.cleanup();
    }
  });
});
