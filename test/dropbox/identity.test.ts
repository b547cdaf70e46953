/**
 * File identity, changes after import, membership until the import starts, and the whitelist by
 * fileset (issue 9), end to end: real MonitorServer + DropBox processes, real files, the real ledger.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  call,
  dropboxLog,
  dropboxLogShows,
  files,
  type Home,
  imports,
  kill9,
  makeHome,
  managedCopies,
  type Proc,
  startDropBox,
  startMonitor,
  stop,
  sync,
  tiff,
  up,
  waitFor,
  write,
} from "./harness";

jest.setTimeout(60_000);

const ICS1 = "\n\tics_version\t1.0\nfilename\tx\n";
const mmMeta = (names: string[]) =>
  JSON.stringify({
    Summary: { MicroManagerVersion: "2.0" },
    ...Object.fromEntries(names.map((n, i) => [`FrameKey-${i}-0-0`, { FileName: n }])),
  });
const ND =
  '"NDInfoFile", Version 1.0\n"DoTimelapse", FALSE\n"DoStage", TRUE\n"NStagePositions", 3\n"DoWave", TRUE\n"NWavelengths", 1\n"WaveName1", "DAPI"\n"EndFile"\n';

/** One home with both servers, and helpers on its ledger. */
function scenario(config: Record<string, string>) {
  const s = {
    h: null as unknown as Home,
    down: (async () => undefined) as () => Promise<void>,
    u: (...p: string[]) => path.join(s.h.dropbox, "amy", ...p),
    importsOf: (p: string) => imports(s.h).filter((i) => i.files.includes(p)),
    fileRows: (p: string) => files(s.h).filter((f) => f.path === p),
    fileOf: (p: string) =>
      files(s.h).find((f) => f.path === p && !/^deleted or moved away|reimported as/.test(f.reason ?? "")),
    /** Wait until `n` imported filesets hold `p`. */
    imported: (p: string, n = 1) =>
      waitFor(
        () => {
          const done = s.importsOf(p).filter((i) => i.state === "imported");
          return done.length >= n ? done : null;
        },
        `${p} imported ${n} time(s)`,
        { timeoutMs: 20000 },
      ).catch((e: Error) => {
        throw new Error(
          `${e.message}\nfiles: ${JSON.stringify(files(s.h), null, 1)}\nimports: ${JSON.stringify(imports(s.h), null, 1)}`,
        );
      }),
    /** Nothing new or changed is left to do: a rescan and a sync, then no fileset waits. */
    settled: async () => {
      await call(s.h.home, "scan");
      await sync(s.h.home);
      await waitFor(
        () => imports(s.h).every((i) => i.state === "imported" || i.state === "failed"),
        "every fileset imported",
        { timeoutMs: 20000 },
      );
    },
  };
  beforeAll(async () => {
    s.h = makeHome(config);
    ({ down: s.down } = await up(s.h));
  });
  afterAll(async () => {
    await s.down();
    s.h.cleanup();
  });
  return s;
}

describe("file identity after import (changedAfterImport=log, the default)", () => {
  const s = scenario({});

  it("delete and re-drop at the same path: the new file is imported, once; the old import stays listed", async () => {
    // Another file stays: a watch that walks empty is an unmounted share, never "all deleted".
    await s.imported(write(s.u("keep.tif"), tiff()));
    const a = write(s.u("redrop", "a.tif"), tiff(4, 4));
    const [first] = await s.imported(a);
    fs.unlinkSync(a);
    await call(s.h.home, "scan"); // deletes are seen by a walk whatever eventTypes says
    await sync(s.h.home);
    await waitFor(
      () => /deleted or moved away after import/.test(s.fileRows(a)[0]?.reason ?? ""),
      "deletion recorded",
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(s.fileRows(a))}\n${dropboxLog(s.h)}`);
    });
    write(a, tiff(8, 8));
    const done = await s.imported(a, 2);
    await s.settled();
    expect(s.importsOf(a)).toHaveLength(2);
    expect(done.map((i) => i.id)).toContain(first!.id);
    expect(managedCopies(s.h).get(a)).toBe(2);
    const rows = s.fileRows(a);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.fileset === first!.id)?.reason).toMatch(/a new file was later dropped at this path/);
    expect(rows.find((r) => r.fileset !== first!.id)).toMatchObject({ state: "imported", size: tiff(8, 8).length });
  });

  it("delete and re-drop with OMERO's default eventTypes and no rescan: the deletion event reaches the DropBox; the new file is imported", async () => {
    const a = write(s.u("redrop-live", "a.tif"), tiff(4, 4));
    const [first] = await s.imported(a);
    fs.unlinkSync(a);
    // Only the event: sync is the barrier for it, no walk runs.
    await sync(s.h.home);
    await waitFor(
      () => /deleted or moved away after import/.test(s.fileRows(a)[0]?.reason ?? "") || null,
      "deletion recorded from its event",
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(s.fileRows(a))}\n${dropboxLog(s.h)}`);
    });
    write(a, tiff(8, 8));
    await sync(s.h.home);
    const done = await s.imported(a, 2);
    expect(done.map((i) => i.id)).toContain(first!.id);
    expect(s.fileRows(a).find((r) => r.fileset !== first!.id)).toMatchObject({ state: "imported" });
  });

  it("a new file on the inode of one deleted after import, same size and mtime, is imported: its birth time is its own", async () => {
    const a = write(s.u("reuse", "a.tif"), tiff(4, 4, "v1"));
    const mtime = 1_700_000_000; // whole seconds: both files get exactly the same mtimeMs
    fs.utimesSync(a, mtime, mtime);
    const was = fs.statSync(a);
    const [first] = await s.imported(a);
    // Deleted, and at once a corrected file of the same size copied with its mtime (rsync -t: a
    // temporary name, then renamed): ext4 gives it the freed inode (tmpfs would not: then this
    // only checks that a new file is imported). Whichever event the DropBox takes first.
    fs.unlinkSync(a);
    const c = s.u("reuse", "c.tif");
    const tmp = write(s.u("reuse", ".c.tif.Xq3z"), tiff(4, 4, "v2"));
    fs.utimesSync(tmp, mtime, mtime);
    fs.renameSync(tmp, c);
    const is = fs.statSync(c);
    expect([is.size, is.mtimeMs]).toEqual([was.size, was.mtimeMs]);
    // Its own import: not taken for a.tif renamed (that would lose it).
    const [second] = await s.imported(c);
    expect(second!.id).not.toBe(first!.id);
    expect(s.fileOf(c)).toMatchObject({ state: "imported", fileset: second!.id });
  });

  it("rename of an imported folder: nothing re-imported, the ledger follows", async () => {
    const a = write(s.u("run1", "a.tif"), tiff());
    const b = write(s.u("run1", "b.tif"), tiff(6, 6));
    await s.imported(a);
    await s.imported(b);
    const before = imports(s.h).length;
    fs.renameSync(s.u("run1"), s.u("run1-renamed"));
    await s.settled();
    expect(imports(s.h)).toHaveLength(before);
    for (const n of ["a.tif", "b.tif"])
      expect(s.fileOf(s.u("run1-renamed", n))).toMatchObject({
        state: "imported",
        reason: expect.stringMatching(/renamed after import/),
      });
    expect(managedCopies(s.h).get(s.u("run1-renamed", "a.tif"))).toBeUndefined();
  });

  it("a file changed after import is listed and logged once, not reimported", async () => {
    const m = write(s.u("mod", "m.tif"), tiff());
    await s.imported(m);
    fs.appendFileSync(m, "more bytes");
    await s.settled();
    await waitFor(() => /changedAfterImport=log/.test(s.fileOf(m)?.reason ?? ""), "m.tif listed as changed");
    expect(s.fileOf(m)!.reason).toMatch(/^changed after import of fileset \d+/);
    await call(s.h.home, "scan");
    await sync(s.h.home);
    expect(s.importsOf(m)).toHaveLength(1);
    await dropboxLogShows(s.h, `${m} changed after import`);
    expect(
      dropboxLog(s.h)
        .split("\n")
        .filter((l) => l.includes(m) && l.includes("changed after import")),
    ).toHaveLength(1);
  });

  it("an atomic replace (write a temporary file, mv it over) is a change after import, not a new file", async () => {
    const r = write(s.u("atomic", "r.tif"), tiff());
    await s.imported(r);
    write(s.u("atomic", ".r.tif.tmp"), tiff(5, 5));
    fs.renameSync(s.u("atomic", ".r.tif.tmp"), r);
    await s.settled();
    await waitFor(() => /^changed after import of fileset/.test(s.fileOf(r)?.reason ?? ""), "r.tif listed as changed");
    expect(s.importsOf(r)).toHaveLength(1);
  });

  it("the same bytes written again (a new inode and mtime, as rsync without -t does), then its folder renamed: never imported twice", async () => {
    // Found by scripts/soak (seed 1919): a resumed rsync rewrote an imported folder, then it was renamed.
    const r = write(s.u("rewrite", "r.tif"), tiff());
    await s.imported(r);
    const before = imports(s.h).length;
    write(s.u("rewrite", ".r.tif.tmp"), tiff());
    fs.renameSync(s.u("rewrite", ".r.tif.tmp"), r);
    await s.settled();
    await waitFor(() => /^changed after import of fileset/.test(s.fileOf(r)?.reason ?? ""), "r.tif listed as changed");
    fs.renameSync(s.u("rewrite"), s.u("rewrite-moved"));
    await s.settled();
    expect(imports(s.h)).toHaveLength(before);
    expect(s.fileOf(s.u("rewrite-moved", "r.tif"))).toMatchObject({
      state: "imported",
      reason: expect.stringMatching(/renamed after import/),
    });
  });

  it("a .dv.log after its .dv was imported: a late member, listed with the fileset, not imported", async () => {
    const dv = write(s.u("late", "x.dv"));
    const [f] = await s.imported(dv);
    const log = write(s.u("late", "x.dv.log"), "log");
    await s.settled();
    await waitFor(() => s.fileOf(log)?.state === "ignored", "x.dv.log ignored as late");
    expect(s.fileOf(log)!.reason).toMatch(new RegExp(`^late, after import of fileset ${f!.id}: not imported`));
    expect(s.importsOf(log)).toHaveLength(0);
    await dropboxLogShows(s.h, `[fileset ${f!.id}] ${log}: late, after import`);
  });

  it("a symlink to an imported file is recorded as a symlink, not a hard link, and not imported", async () => {
    const a = write(s.u("sl", "a.tif"), tiff());
    await s.imported(a);
    fs.symlinkSync(a, s.u("sl", "link.tif"));
    await s.settled();
    await waitFor(() => s.fileOf(s.u("sl", "link.tif")), "link.tif recorded");
    expect(s.fileOf(s.u("sl", "link.tif"))).toMatchObject({
      state: "imported",
      reason: `symlink to ${a}, already imported`,
    });
    expect(s.importsOf(a)).toHaveLength(1);
  });
});

describe("membership until the import starts (dirImportWait 2 s)", () => {
  const s = scenario({ "omero.fs.dirImportWait": "2" });

  it("a .dv.log after its .dv was grouped joins it: one fileset", async () => {
    const dv = write(s.u("dv", "y.dv"));
    await sync(s.h.home);
    await waitFor(() => s.importsOf(dv)[0]?.state === "waiting", "y.dv waiting");
    const log = write(s.u("dv", "y.dv.log"), "log");
    const [f] = await s.imported(log);
    expect(f!.files).toEqual([dv, log]);
    expect(s.importsOf(dv)).toHaveLength(1);
  });

  it("MetaMorph planes before their .nd, with gaps: one .nd fileset, no plane imported alone", async () => {
    const planes = [1, 2, 3].map((i) => s.u("meta", `exp_w1DAPI_s${i}.TIF`));
    for (const p of planes) {
      write(p, tiff());
      await sync(s.h.home);
      await new Promise((r) => setTimeout(r, 300)); // a gap between planes, within dirImportWait
    }
    const nd = write(s.u("meta", "exp.nd"), ND);
    const [f] = await s.imported(nd);
    expect(f).toMatchObject({ entry: nd, reader: "loci.formats.in.MetamorphReader" });
    expect(f!.files).toEqual([nd, ...planes]);
    await s.settled();
    expect(imports(s.h).filter((i) => i.files.some((x) => x.includes("/meta/")))).toHaveLength(1);
  });

  it("Micro-Manager TIFFs first, then metadata.txt: one fileset with every TIFF, no lone TIFF import", async () => {
    const names = ["img_000.tif", "img_001.tif", "img_002.tif"];
    for (const n of names) write(s.u("mm", n), tiff());
    await sync(s.h.home);
    await new Promise((r) => setTimeout(r, 500));
    const meta = write(s.u("mm", "metadata.txt"), mmMeta(names));
    const [f] = await s.imported(meta);
    expect(f).toMatchObject({ entry: meta, reader: "loci.formats.in.MicromanagerReader" });
    expect(f!.files).toHaveLength(4);
    await s.settled();
    expect(imports(s.h).filter((i) => i.files.some((x) => x.includes("/mm/")))).toHaveLength(1);
    for (const n of names) expect(managedCopies(s.h).get(s.u("mm", n)) ?? 0).toBeLessThanOrEqual(1);
  });
});

describe("a late companion joins a queued fileset (throttleImport 4 s keeps it queued)", () => {
  const s = scenario({ "omero.fs.throttleImport": "4" });

  it("the queued fileset goes back to waiting, takes the companion, and imports once with it", async () => {
    await s.imported(write(s.u("first.tif"), tiff())); // starts the watch's throttle window
    const dv = write(s.u("q", "z.dv"));
    await waitFor(() => s.importsOf(dv)[0]?.state === "queued", "z.dv queued", { timeoutMs: 10000 });
    const id = s.importsOf(dv)[0]!.id;
    const log = write(s.u("q", "z.dv.log"), "log");
    const [f] = await s.imported(log);
    expect(f).toMatchObject({ id, files: [dv, log] });
    await dropboxLogShows(s.h, `[fileset ${id}] back to waiting`);
  });
});

describe("whitelist selects filesets by entry (whitelist=.ics,.vsi; changedAfterImport=ignore)", () => {
  const s = scenario({ "omero.fs.whitelist": ".ics,.vsi", "omero.fs.changedAfterImport": "ignore" });

  it("an ICS 1 set imports with its .ids; a VSI with its _x_ folder; other filesets are ignored naming the whitelist", async () => {
    const ics = write(s.u("ics", "x.ics"), ICS1);
    const ids = write(s.u("ics", "x.ids"), Buffer.alloc(64));
    const vsi = write(s.u("s.vsi"), Buffer.alloc(64));
    const ets = write(s.u("_s_", "stack1", "frame_t.ets"), Buffer.alloc(64));
    const dv = write(s.u("other", "y.dv"));
    expect((await s.imported(ids))[0]!.files).toEqual([ics, ids]);
    expect((await s.imported(ets))[0]!.files).toEqual([vsi, ets]);
    await s.settled();
    expect(s.fileOf(dv)).toMatchObject({
      state: "ignored",
      reason: expect.stringMatching(/whitelist \(\.ics, \.vsi\)/),
    });
  });

  it("changedAfterImport=ignore: listed with the policy, not reimported, no warning", async () => {
    const ics = write(s.u("ics2", "c.ics"), ICS1);
    write(s.u("ics2", "c.ids"), Buffer.alloc(64));
    await s.imported(ics);
    fs.appendFileSync(ics, "\n");
    await s.settled();
    await waitFor(() => /changedAfterImport=ignore/.test(s.fileOf(ics)?.reason ?? ""), "c.ics listed");
    expect(s.importsOf(ics)).toHaveLength(1);
    expect(dropboxLog(s.h)).not.toMatch(/WARN.*c\.ics/);
  });
});

describe("changedAfterImport=reimport", () => {
  const s = scenario({ "omero.fs.changedAfterImport": "reimport" });

  it("a changed file is imported again as a new fileset; its first import stays listed", async () => {
    const m = write(s.u("r", "m.tif"), tiff());
    const [first] = await s.imported(m);
    fs.writeFileSync(m, tiff(6, 6));
    const done = await s.imported(m, 2);
    expect(done.map((i) => i.id)).toContain(first!.id);
    await s.settled();
    expect(s.importsOf(m)).toHaveLength(2);
    expect(
      s
        .fileRows(m)
        .map((r) => r.fileset)
        .sort(),
    ).toEqual(done.map((i) => i.id).sort());
  });

  it("a late member of an imported fileset imports the whole fileset again with it", async () => {
    const dv = write(s.u("l", "x.dv"));
    await s.imported(dv);
    const log = write(s.u("l", "x.dv.log"), "log");
    const [f] = await s.imported(log);
    expect(f!.files).toEqual([dv, log]);
    expect(s.importsOf(dv)).toHaveLength(2);
  });
});

describe("kill -9 of the DropBox while a fileset waits for members", () => {
  let h: Home;
  let monitor: Proc;
  let dropbox: Proc;
  beforeAll(async () => {
    h = makeHome({ "omero.fs.dirImportWait": "2" });
    monitor = await startMonitor(h.home);
    dropbox = await startDropBox(h.home);
  });
  afterAll(async () => {
    await stop(dropbox);
    await stop(monitor);
    h.cleanup();
  });

  it("after the restart: nothing lost, nothing imported half, one fileset", async () => {
    const u = (...p: string[]) => path.join(h.dropbox, "amy", ...p);
    const names = ["img_000.tif", "img_001.tif", "img_002.tif"];
    const meta = write(u("k", "metadata.txt"), mmMeta(names));
    write(u("k", names[0]!), tiff());
    await sync(h.home);
    await kill9(dropbox);
    for (const n of names.slice(1)) write(u("k", n), tiff());
    dropbox = await startDropBox(h.home);
    const done = await waitFor(
      () => imports(h).find((i) => i.files.includes(meta) && i.state === "imported") ?? null,
      "the Micro-Manager set imported",
      { timeoutMs: 20000 },
    );
    expect(done.files).toHaveLength(4);
    await call(h.home, "scan");
    await sync(h.home);
    expect(imports(h).filter((i) => i.files.some((f) => f.includes("/k/")))).toHaveLength(1);
    for (const n of names) expect(managedCopies(h).get(u("k", n))).toBe(1);
  });
});
