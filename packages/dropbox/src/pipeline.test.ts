/**
 * The timing rules of the DropBox pipeline, in milliseconds of an injected clock: quiet-period
 * restart, throttle, round-robin fairness, retry backoff, fileBatch flush (the harness:
 * __fixtures__/pipeline.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { metaxpressPlate, miasPlate, operettaPlate } from "../../readers/src/__fixtures__/hcs";
import { dv } from "../../readers/src/__golden__/make/dv";
import { mmAcquisition } from "../../readers/src/__golden__/make/mm-acquisition";
import { companion } from "../../readers/src/__golden__/make/ome";
import { tiff } from "../../readers/src/__golden__/make/tiff";
import { makeNd2 } from "../../readers/src/complete/__fixtures__/make";
import { Pipeline } from "./__fixtures__/pipeline";

jest.setTimeout(10_000);

describe("DropBox pipeline timing (in-process, injected clock)", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });

  it("quiet period: a new member restarts the wait; imported exactly dirImportWait after the last event", async () => {
    p = new Pipeline({ quietMs: 1500 });
    const t0 = p.clock.t;
    await p.drop("amy/q/q.dv", dv());
    await p.advance(800);
    await p.drop("amy/q/q.dv.log", "log");
    await p.advanceTo(t0 + 800 + 1499);
    expect(p.starts).toEqual([]);
    expect(p.stateOf("amy/q/q.dv")).toBe("grouped");
    await p.advanceTo(t0 + 800 + 1500);
    expect(p.starts).toHaveLength(1);
    expect(p.starts[0]).toMatchObject({ at: t0 + 2300, entry: `${p.dir}/amy/q/q.dv` });
    expect(p.starts[0]!.files).toEqual([`${p.dir}/amy/q/q.dv`, `${p.dir}/amy/q/q.dv.log`]);
    expect(p.stateOf("amy/q/q.dv.log")).toBe("imported");
  });

  it("quiet period: a modify of a member (seen again with a new size) restarts it too", async () => {
    p = new Pipeline({ quietMs: 1000 });
    const t0 = p.clock.t;
    await p.drop("amy/a.dv", dv());
    await p.advance(900);
    await p.drop("amy/a.dv", dv({ planes: 2 }));
    await p.advanceTo(t0 + 1899);
    expect(p.starts).toEqual([]);
    await p.advanceTo(t0 + 1900);
    expect(p.starts.map((s) => s.at)).toEqual([t0 + 1900]);
  });

  it("throttle: import starts of a watch are spaced by throttleImport", async () => {
    p = new Pipeline({ quietMs: 300, throttleMs: 400, concurrency: 4 });
    const t0 = p.clock.t;
    for (let i = 0; i < 5; i++) await p.drop(`amy/a${i}.dv`);
    await p.advance(3000);
    expect(p.starts.map((s) => s.at - t0)).toEqual([300, 700, 1100, 1500, 1900]);
  });

  it("round-robin: a second user's single file is not queued behind the first user's backlog", async () => {
    p = new Pipeline({ quietMs: 300, concurrency: 1 });
    for (let i = 0; i < 8; i++) await p.drop(`amy/a${i}.dv`);
    await p.drop("zak/z.dv");
    await p.advance(1000);
    expect(p.starts.map((s) => s.user)).toEqual(["amy", "zak", "amy", "amy", "amy", "amy", "amy", "amy", "amy"]);
    const amy = p.starts.filter((s) => s.user === "amy").map((s) => s.entry);
    expect(amy).toEqual([...amy].sort());
  });

  it("retry backoff: a failed import is retried after base, 2 x base, then stays failed", async () => {
    p = new Pipeline({
      quietMs: 100,
      retries: 2,
      retryBaseMs: 1000,
      outcome: () => ({ ok: false, error: "server down" }),
    });
    const t0 = p.clock.t;
    await p.drop("amy/a.dv");
    await p.advanceTo(t0 + 100);
    expect(p.starts.map((s) => s.at - t0)).toEqual([100]);
    await p.advanceTo(t0 + 1099);
    expect(p.starts).toHaveLength(1);
    await p.advanceTo(t0 + 1100);
    expect(p.starts.map((s) => s.at - t0)).toEqual([100, 1100]);
    await p.advanceTo(t0 + 3099);
    expect(p.starts).toHaveLength(2);
    await p.advanceTo(t0 + 3100);
    expect(p.starts.map((s) => s.at - t0)).toEqual([100, 1100, 3100]);
    await p.advance(60_000);
    expect(p.starts).toHaveLength(3);
    expect(p.lines.some((l) => /failed: server down \(attempt 3; not retried: retries used up/.test(l))).toBe(true);
  });

  it("retry: a permanent failure is not retried; `retry` requeues it with a fresh budget", async () => {
    p = new Pipeline({
      quietMs: 100,
      outcome: (n) => (n === 1 ? { ok: false, retryable: false, error: "no such user" } : {}),
    });
    const t0 = p.clock.t;
    await p.drop("amy/a.dv");
    await p.advance(10_000);
    expect(p.starts).toHaveLength(1);
    const id = p.starts[0]!.id;
    await p.engine.requeue(id);
    await p.advance(0);
    expect(p.starts.map((s) => s.at - t0)).toEqual([100, 10_000]);
    expect(p.stateOf("amy/a.dv")).toBe("imported");
  });

  it("fileBatch: grouping runs at once when fileBatch paths wait, else after the debounce", async () => {
    p = new Pipeline({ quietMs: 2000, fileBatch: 3 });
    const t0 = p.clock.t;
    await p.drop("amy/a.dv");
    await p.drop("amy/b.dv");
    // Two paths < fileBatch: grouped after the debounce (quietMs / 4 = 500 ms).
    expect(p.stateOf("amy/a.dv")).toBe("pending");
    await p.advanceTo(t0 + 499);
    expect(p.stateOf("amy/a.dv")).toBe("pending");
    await p.advanceTo(t0 + 500);
    expect(p.stateOf("amy/a.dv")).toBe("grouped");
    // Three paths at one instant: grouped at once, without waiting for the debounce.
    await p.drop("zak/a.dv");
    await p.drop("zak/b.dv");
    expect(p.stateOf("zak/a.dv")).toBe("pending");
    await p.drop("zak/c.dv");
    expect(p.stateOf("zak/a.dv")).toBe("grouped");
    // fileBatch never imports earlier than the quiet period (zak's files came at t0 + 500).
    await p.advanceTo(t0 + 2499);
    expect(p.starts.map((s) => [s.user, s.at - t0])).toEqual([
      ["amy", 2000],
      ["amy", 2000],
    ]);
    await p.advanceTo(t0 + 2500);
    expect(p.starts.filter((s) => s.user === "zak").map((s) => s.at - t0)).toEqual([2500, 2500, 2500]);
  });

  it("a member rewritten during the import: that run does not count, the importer takes back its result, imported again", async () => {
    // rsync run a second time rewrites every file (same bytes, new inode and mtime) while the first
    // import runs: found by scripts/soak (seed 2), where the first run's leaf stayed beside the second.
    p = new Pipeline({
      quietMs: 1000,
      discard: true,
      outcome: (n, req) => {
        if (n === 1) fs.utimesSync(req.entry, new Date(), new Date(Date.now() + 5000));
        return {};
      },
    });
    await p.drop("amy/r/r.dv");
    await p.advance(1000);
    expect(p.starts).toHaveLength(1);
    expect(p.discarded).toEqual([`t${p.starts[0]!.id}`]);
    expect(p.stateOf("amy/r/r.dv")).toBe("grouped");
    await p.advance(1000);
    expect(p.starts.map((s) => s.id)).toEqual([p.starts[0]!.id, p.starts[0]!.id]);
    expect(p.stateOf("amy/r/r.dv")).toBe("imported");
    expect(p.discarded).toHaveLength(1);
  });

  it("a folder renamed during its import: its files are a new fileset, imported; the emptied one is cancelled, not left waiting", async () => {
    // Found by scripts/soak (seed 3, exec importer): the import failed on the vanished files, its
    // fileset went back to waiting with no file left and waited for good ("its files (none left)").
    p = new Pipeline({
      quietMs: 1000,
      outcome: (n, req) => {
        if (n !== 1) return {};
        const from = path.dirname(req.entry);
        fs.renameSync(from, `${from}-moved`);
        const moved = path.join(`${from}-moved`, path.basename(req.entry));
        void p.engine.serial(() => p.engine.observePaths(0, [req.entry, moved]));
        return { ok: false, retryable: true, target: null, error: `source file vanished: ${req.entry}` };
      },
    });
    await p.drop("amy/run/r.dv");
    await p.advance(1000);
    const first = p.starts[0]!.id;
    await p.advance(1500);
    expect(p.starts.map((s) => path.relative(p.dir, s.entry))).toEqual(["amy/run/r.dv", "amy/run-moved/r.dv"]);
    expect(p.stateOf("amy/run-moved/r.dv")).toBe("imported");
    expect(p.ledger.filesets.get(first) ?? null).toBeNull();
    expect(p.ledger.db.prepare("SELECT COUNT(*) FROM filesets WHERE state = 'waiting'").pluck().get()).toBe(0);
    expect(p.lines).toContain(`info [fileset ${first}] cancelled: its files were moved or deleted during its import`);
  });
});

describe("DropBox pipeline: a plate's metadata folder copied before its index", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });

  it("Operetta: Assaylayout/ ignored alone becomes a member once Images/Index.idx.xml arrives (as Bio-Formats lists it)", async () => {
    // Found by scripts/soak (seed 1919): the plate was imported without Assaylayout/<plate>.xml.
    p = new Pipeline({ quietMs: 1000 });
    const fx = operettaPlate({ plate: "P1", wells: [[3, 1]], fields: 1, channels: ["DAPI"] });
    const layout = fx.files.find((f) => f.path.includes("/Assaylayout/"))!;
    const rel = (f: { path: string }) => `amy/run/${f.path}`;
    await p.drop(rel(layout), layout.content);
    await p.advance(1500);
    expect(p.stateOf(rel(layout))).toBe("ignored");
    for (const f of fx.files) if (f !== layout) await p.drop(rel(f), f.content);
    await p.advance(5000);
    expect(p.starts.map((s) => path.basename(s.entry))).toEqual(["Index.idx.xml"]);
    expect([...p.starts[0]!.files].sort()).toEqual(fx.files.map((f) => path.join(p.dir, rel(f))).sort());
  });
});

describe("DropBox pipeline: a late member of an imported fileset", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });

  it("stays late when a new file in a sibling folder regroups the partition (its imported fileset is still its context)", async () => {
    // Found by scripts/soak (seed 995521022): a companion set dropped again with one more plane;
    // the new plane was held as a late member, then imported alone when a file arrived next door.
    p = new Pipeline({ quietMs: 1000 });
    const dropSet = async (planes: number) => {
      const names = Array.from({ length: planes }, (_, z) => `L2_Z${z}.ome.tif`);
      for (const [f, content] of Object.entries(companion("L2", names))) await p.drop(`amy/proj2/L2/${f}`, content);
    };
    await dropSet(3);
    await p.advance(2000);
    expect(p.starts.map((s) => [path.basename(s.entry), s.files.length])).toEqual([["L2.companion.ome", 4]]);
    await dropSet(4);
    await p.advance(2000);
    expect(p.stateOf("amy/proj2/L2/L2_Z3.ome.tif")).toBe("ignored");
    await p.drop("amy/proj2/L58/L58.tif", tiff());
    await p.advance(700_000); // past companionWait: a plane held for its companion would go alone now
    expect(p.starts.map((s) => path.basename(s.entry))).toEqual(["L2.companion.ome", "L58.tif"]);
    const z3 = p.ledger.files.byPath(path.join(p.dir, "amy/proj2/L2/L2_Z3.ome.tif"));
    expect(z3).toMatchObject({ state: "ignored", reason: expect.stringMatching(/^late, after import of fileset /) });
  });
});

describe("DropBox pipeline: plates (listed members, incompleteWait, release)", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });
  // plate1.HTD + 3 wells x 1 site x 1 wavelength: plate1_A01_w1.TIF ...
  const fx = metaxpressPlate({ wells: ["A01", "A02", "A03"] });
  const drop = (f: { path: string; content: Buffer }) => p.drop(`amy/run/${f.path}`, f.content);
  const importOf = (rel: string) => p.ledger.files.byPath(path.join(p.dir, rel))?.fileset ?? null;
  const stateOfImport = (id: number) => p.ledger.filesets.get(id)?.state;

  it("index first, a pause longer than dirImportWait: waits for the last image, then imports the one plate", async () => {
    p = new Pipeline({ quietMs: 1000, incompleteWaitMs: 3_600_000 });
    await drop(fx.files[0]!);
    await drop(fx.files[1]!);
    await p.advance(1000);
    const id = importOf("amy/run/plate1.HTD")!;
    expect(stateOfImport(id)).toBe("waiting");
    expect(p.ledger.db.prepare("SELECT waiting_for FROM filesets WHERE id = ?").pluck().get(id)).toBe(
      "MetaXpress plate plate1: 1 of 3 images; missing: plate1_A02_w1.TIF, plate1_A03_w1.TIF",
    );
    await p.advance(10 * 60_000); // the microscope pauses for 10 minutes (dirImportWait is 1 s)
    expect(p.starts).toEqual([]);
    await drop(fx.files[2]!);
    await p.advance(5000);
    expect(p.starts).toEqual([]);
    const t = p.clock.t;
    await drop(fx.files[3]!);
    await p.advance(300); // the grouping debounce; then proven complete (settleTime 0)
    expect(p.starts).toHaveLength(1);
    expect(p.starts[0]!.at - t).toBeLessThanOrEqual(300);
    expect(p.starts[0]!.entry).toBe(path.join(p.dir, "amy/run/plate1.HTD"));
    expect(p.starts[0]!.files).toHaveLength(4);
  });

  it("images first: held, never imported as lone TIFFs; the index makes the plate", async () => {
    p = new Pipeline({ quietMs: 1000 });
    for (const f of fx.files.slice(1)) await drop(f);
    await p.advance(60 * 60_000);
    expect(p.starts).toEqual([]);
    expect(p.stateOf("amy/run/plate1_A01_w1.TIF")).toBe("pending");
    await drop(fx.files[0]!);
    await p.advance(1000);
    expect(p.starts.map((s) => [path.basename(s.entry), s.files.length])).toEqual([["plate1.HTD", 4]]);
  });

  it("incompleteWait after the last arrival: incomplete (logged once); a late image: waiting, then imported", async () => {
    p = new Pipeline({ quietMs: 1000, incompleteWaitMs: 3_600_000 });
    await drop(fx.files[0]!);
    await drop(fx.files[1]!);
    await p.advance(250);
    const id = importOf("amy/run/plate1.HTD")!;
    await p.advance(3_600_000 - 251);
    expect(stateOfImport(id)).toBe("waiting");
    await p.advance(1);
    expect(stateOfImport(id)).toBe("incomplete");
    const warned = p.lines.filter((l) => l.startsWith(`warn [fileset ${id}] incomplete:`));
    expect(warned).toEqual([
      `warn [fileset ${id}] incomplete: MetaXpress plate plate1: 1 of 3 images; missing: plate1_A02_w1.TIF, plate1_A03_w1.TIF; nothing arrived for 60 min (omero.fs.incompleteWait): not imported half; import it as it is with omero-fs imports release ${id}`,
    ]);
    await p.advance(3_600_000);
    expect(p.starts).toEqual([]);
    expect(p.lines.filter((l) => l.startsWith(`warn [fileset ${id}] incomplete:`))).toHaveLength(1);
    await drop(fx.files[2]!);
    await p.advance(300);
    expect(stateOfImport(id)).toBe("waiting");
    await drop(fx.files[3]!);
    await p.advance(300);
    expect(p.starts.map((s) => s.id)).toEqual([id]);
    expect(stateOfImport(id)).toBe("imported");
  });

  it("release: an incomplete plate is imported as it is, with its present files", async () => {
    p = new Pipeline({ quietMs: 1000, incompleteWaitMs: 60_000 });
    await drop(fx.files[0]!);
    await drop(fx.files[1]!);
    await p.advance(250);
    const id = importOf("amy/run/plate1.HTD")!;
    await p.advance(60_000);
    expect(stateOfImport(id)).toBe("incomplete");
    await expect(p.engine.release(999)).rejects.toThrow(/no import with id 999/);
    await p.engine.release(id);
    await p.advance(0);
    expect(p.starts.map((s) => [s.id, s.files.length])).toEqual([[id, 2]]);
    expect(stateOfImport(id)).toBe("imported");
    await expect(p.engine.release(id)).rejects.toThrow(
      /is imported; only an incomplete or waiting import can be released/,
    );
  });
});

describe("DropBox pipeline: a reconciliation walk holds the partitions it has not read", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });

  it("an event walks its partition ahead (finding the files dropped there while down); other partitions wait for the walk", async () => {
    p = new Pipeline({ quietMs: 1000 });
    // Dropped while the DropBox was down: the walk has not reached them.
    const down = path.join(p.dir, "amy", "run1", "a.dv");
    const other = path.join(p.dir, "amy", "run2", "c.dv");
    for (const f of [down, other]) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, dv());
    }
    p.engine.holdWatch(0);
    // The walk reads run2 (nothing groups it yet) ...
    await p.engine.serial(() => p.engine.observePaths(0, [other], "walk"));
    // ... and an event comes for run1: run1 is walked ahead, a.dv is found with it.
    await p.drop("amy/run1/b.dv");
    expect(p.stateOf("amy/run1/a.dv")).toMatch(/^(pending|grouped)$/);
    expect(p.lines.some((l) => /amy\/run1 walked ahead of the reconciliation \(an event came\): 1 new/.test(l))).toBe(
      true,
    );
    await p.advance(1500);
    expect(p.starts.map((s) => path.relative(p.dir, s.entry)).sort()).toEqual(["amy/run1/a.dv", "amy/run1/b.dv"]);
    // run2 is held: pending, never grouped, however long the walk takes.
    await p.advance(60_000);
    expect(p.stateOf("amy/run2/c.dv")).toBe("pending");
    expect(p.starts).toHaveLength(2);
    // The walk ends: run2 is grouped and imported after its quiet period.
    p.engine.endHold(0);
    await p.advance(1500);
    expect(p.starts.map((s) => path.relative(p.dir, s.entry))).toContain("amy/run2/c.dv");
  });

  it("a fileset already waiting in a held partition is not judged ready until a walk has read it", async () => {
    p = new Pipeline({ quietMs: 1000 });
    await p.drop("amy/run3/x.dv");
    p.engine.holdWatch(0);
    await p.advance(5000);
    expect(p.starts).toHaveLength(0);
    p.engine.endHold(0);
    await p.advance(10);
    expect(p.starts.map((s) => path.relative(p.dir, s.entry))).toEqual(["amy/run3/x.dv"]);
  });
});

describe("DropBox pipeline: completeness is proven or it is not; waiting costs nothing (issue 19)", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });
  const waitingFor = (rel: string) =>
    p.ledger.db
      .prepare("SELECT f.waiting_for FROM filesets f JOIN files fi ON fi.fileset = f.id WHERE fi.path = ?")
      .pluck()
      .get(path.join(p.dir, rel));
  const stateOf = (rel: string) =>
    p.ledger.db
      .prepare("SELECT f.state FROM filesets f JOIN files fi ON fi.fileset = f.id WHERE fi.path = ?")
      .pluck()
      .get(path.join(p.dir, rel));

  it("cut files wait, are not judged again while nothing changes, and go incomplete after incompleteWait", async () => {
    p = new Pipeline({ quietMs: 1000, incompleteWaitMs: 36_000_000 });
    const whole = tiff();
    for (let i = 0; i < 40; i++) await p.drop(`amy/e/f${i}.tif`, whole.subarray(0, whole.length - 4));
    await p.advance(5000);
    expect(waitingFor("amy/e/f0.tif")).toMatch(/^f0\.tif: .*truncated/);
    const judged = p.engine.queueing.judged;
    await p.advance(5 * 3_600_000); // five hours of nothing
    expect(p.engine.queueing.judged).toBe(judged);
    expect(p.starts).toEqual([]);
    await p.advance(5 * 3_600_000 + 1000);
    expect(stateOf("amy/e/f0.tif")).toBe("incomplete");
    expect(p.engine.queueing.judged).toBe(judged + 40);
    expect(p.starts).toEqual([]);
  });

  it("empty files are never imported: an empty TIFF is ignored with why (Bio-Formats cannot read it) and costs nothing", async () => {
    p = new Pipeline({ quietMs: 1000, incompleteWaitMs: 36_000_000 });
    for (let i = 0; i < 40; i++) await p.drop(`amy/e/f${i}.tif`, Buffer.alloc(0));
    await p.advance(5000);
    expect(waitingFor("amy/e/f0.tif")).toBeUndefined();
    expect(
      p.ledger.db.prepare("SELECT state, reason FROM files WHERE path = ?").get(path.join(p.dir, "amy/e/f0.tif")),
    ).toEqual({ state: "ignored", reason: expect.stringContaining("empty") });
    const judged = p.engine.queueing.judged;
    await p.advance(10 * 3_600_000 + 1000);
    expect(p.engine.queueing.judged).toBe(judged);
    expect(p.starts).toEqual([]);
  });

  it("an ND2 written in sessions is not imported until whole, then at settleTime (proven by its chunk map)", async () => {
    p = new Pipeline({ quietMs: 1000 });
    const whole = makeNd2(6, 2000);
    await p.drop("amy/s.nd2", whole.subarray(0, 5000));
    await p.advance(10_000); // longer than dirImportWait: the pause between sessions
    expect(p.starts).toEqual([]);
    expect(waitingFor("amy/s.nd2")).toMatch(/^s\.nd2: ND2 incomplete: no chunk map at its end/);
    await p.drop("amy/s.nd2", whole.subarray(0, 11_000));
    await p.advance(10_000);
    expect(p.starts).toEqual([]);
    const t = p.clock.t;
    await p.drop("amy/s.nd2", whole);
    await p.advance(300); // the grouping debounce; settleTime is 0 here
    expect(p.starts.map((s) => [path.basename(s.entry), s.at - t <= 300])).toEqual([["s.nd2", true]]);
  });

  it("a file left cut goes incomplete after incompleteWait; copied again whole, it is imported", async () => {
    p = new Pipeline({ quietMs: 1000, incompleteWaitMs: 60_000 });
    const whole = makeNd2(3, 3000);
    await p.drop("amy/r.nd2", whole.subarray(0, 4000));
    await p.advance(61_000);
    expect(stateOf("amy/r.nd2")).toBe("incomplete");
    const id = p.ledger.files.byPath(path.join(p.dir, "amy/r.nd2"))!.fileset!;
    expect(p.lines).toContain(
      `warn [fileset ${id}] incomplete: r.nd2: ND2 incomplete: no chunk map at its end (a finished ND2 ends with "ND2 CHUNK MAP SIGNATURE 0000001!" and the map's position; this one has 4000 bytes); nothing changed for 60 s (omero.fs.incompleteWait): not imported half; copy it again, or import it as it is with omero-fs imports release ${id}`,
    );
    await p.drop("amy/r.nd2", whole);
    await p.advance(1000);
    expect(p.starts.map((s) => s.id)).toEqual([id]);
  });

  it("a format with no structure check keeps dirImportWait even when no other file can join it", async () => {
    p = new Pipeline({ quietMs: 5000 });
    const t = p.clock.t;
    await p.drop("amy/k.zvi", Buffer.alloc(2048, 1)); // single-file ZVI (closed), but not an OLE 2 file: unknown
    await p.advance(4999);
    expect(p.starts).toEqual([]);
    await p.advance(1);
    expect(p.starts.map((s) => s.at - t)).toEqual([5000]);
  });
});

describe("DropBox pipeline: what Bio-Formats makes of the files (issue 18)", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });

  it("a MIAS plate is one MIASReader fileset: the probe cache keeps the TIFF Software tag the plate rule reads", async () => {
    p = new Pipeline({ quietMs: 1000 });
    const fx = miasPlate({ z: 1 });
    for (const f of fx.files) await p.drop(`amy/exp/${f.path}`, f.content);
    await p.advance(1500);
    expect(p.starts.map((s) => [path.relative(p.dir, s.entry), s.files.length])).toEqual([
      [`amy/exp/${fx.entry}`, fx.files.length],
    ]);
  });

  it("TIFFs in a cellSens folder whose .vsi never comes: held for companionWait, then imported as TIFFs; a .vsi in time takes them", async () => {
    p = new Pipeline({ quietMs: 1000 });
    const t0 = p.clock.t;
    await p.drop("amy/slides/_gone_/stack1/a.tif", tiff());
    await p.drop("amy/slides/_kept_/stack1/b.tif", tiff());
    await p.advance(60_000);
    expect(p.starts).toEqual([]);
    expect(p.stateOf("amy/slides/_gone_/stack1/a.tif")).toBe("grouped");
    // The .vsi of one folder arrives within companionWait (600 s): one CellSensReader fileset.
    await p.drop("amy/slides/kept.vsi", tiff());
    await p.advance(1500);
    expect(p.starts.map((s) => [path.relative(p.dir, s.entry), s.files.length])).toEqual([["amy/slides/kept.vsi", 2]]);
    // The other never comes: companionWait after it was first grouped (the grouping debounce after its
    // arrival), the TIFF is imported as a TIFF, with the warning.
    await p.advanceTo(t0 + 599_000);
    expect(p.starts).toHaveLength(1);
    await p.advanceTo(t0 + 601_000);
    expect(p.starts.map((s) => path.relative(p.dir, s.entry))).toEqual([
      "amy/slides/kept.vsi",
      "amy/slides/_gone_/stack1/a.tif",
    ]);
    expect(p.lines.some((l) => l.startsWith("warn") && l.includes("may belong to") && l.includes("gone.vsi"))).toBe(
      true,
    );
  });

  it("a set with a listed member missing is held whole (N of M), goes incomplete after incompleteWait, and can be released", async () => {
    p = new Pipeline({ quietMs: 1000, incompleteWaitMs: 3_600_000 });
    const acq = mmAcquisition("amy/mm/", { frames: 3 });
    const gone = "amy/mm/img_000000002_DAPI_000.tif";
    for (const [rel, content] of Object.entries(acq)) if (rel !== gone) await p.drop(rel, content);
    await p.advance(1500);
    const id = p.ledger.files.byPath(path.join(p.dir, "amy/mm/metadata.txt"))!.fileset!;
    expect(p.ledger.db.prepare("SELECT waiting_for FROM filesets WHERE id = ?").pluck().get(id)).toBe(
      "3 of 4 present; missing: img_000000002_DAPI_000.tif",
    );
    await p.advance(3_600_000);
    expect(p.ledger.filesets.get(id)?.state).toBe("incomplete");
    expect(p.starts).toEqual([]);
    await p.engine.release(id);
    await p.advance(0);
    expect(p.starts.map((s) => [s.id, s.files.length])).toEqual([[id, 3]]);
  });

  it("a .dv that is not DeltaVision is ignored with why, and stays ignored when its folder is regrouped", async () => {
    p = new Pipeline({ quietMs: 1000 });
    await p.drop("amy/run/notes.dv", "not a DeltaVision file\n".repeat(40));
    await p.advance(1500);
    const rec = () => p.ledger.files.byPath(path.join(p.dir, "amy/run/notes.dv"));
    expect([rec()?.state, rec()?.reason]).toEqual([
      "ignored",
      "not an image Bio-Formats opens: it has no DeltaVision magic number at byte 96 (DeltavisionReader)",
    ]);
    // Another file in the folder: the ignored .dv is context of that run, decided on its content again.
    p.engine.grouping.probes.delete(path.join(p.dir, "amy/run/notes.dv"));
    await p.drop("amy/run/cells.ics", "\t\nics_version\t2.0\n");
    await p.advance(1500);
    expect(rec()?.state).toBe("ignored");
    expect(p.starts.map((s) => path.basename(s.entry))).toEqual(["cells.ics"]);
  });
});
