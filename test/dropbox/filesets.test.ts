/** Fileset rules, names and ownership, end to end: real MonitorServer + DropBox, local importer. */
import * as fs from "node:fs";
import * as path from "node:path";
import { dropboxLogShows, files, type Home, imports, makeHome, sync, tiff, up, waitFor, write } from "./harness";

const ICS1 = "\n\tics_version\t1.0\nfilename\tx\n";

jest.setTimeout(60_000);

describe("DropBox fileset rules (e2e)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  const u = (...p: string[]) => path.join(h.dropbox, "amy", ...p);
  const importOf = (p: string) => imports(h).find((i) => i.files.includes(p));
  const fileOf = (p: string) => files(h).find((f) => f.path === p);
  /** Wait until the fileset holding `p` is imported. */
  const imported = (p: string) =>
    waitFor(
      () => {
        const i = importOf(p);
        return i?.state === "imported" ? i : null;
      },
      `${p} imported`,
      { timeoutMs: 20000 },
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}\nfiles: ${JSON.stringify(files(h), null, 1)}\nimports: ${JSON.stringify(imports(h), null, 1)}`,
      );
    });
  const pendingWithReason = (p: string) =>
    waitFor(() => {
      const f = fileOf(p);
      return f?.state === "pending" && f.reason && !f.reason.startsWith("seen;") ? f : null;
    }, `${p} pending with a reason`);

  beforeAll(async () => {
    h = makeHome();
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("ICS/IDS, companion first: the .ids waits (pending, with the reason) and joins its .ics", async () => {
    write(u("ics1", "x.ids"), Buffer.alloc(64));
    await sync(h.home);
    expect((await pendingWithReason(u("ics1", "x.ids"))).reason).toMatch(/x\.ics/);
    write(u("ics1", "x.ics"), ICS1);
    expect(await imported(u("ics1", "x.ics"))).toMatchObject({
      entry: u("ics1", "x.ics"),
      files: [u("ics1", "x.ics"), u("ics1", "x.ids")],
      reader: "loci.formats.in.ICSReader",
      state: "imported",
      user: "amy",
    });
  });

  it("ICS/IDS, entry first: an ICS 1 header waits for its .ids, then both import once", async () => {
    write(u("ics2", "y.ics"), ICS1);
    await sync(h.home);
    // Its header lists the .ids: a waiting fileset that says what it waits for (never imported half).
    const waiting = await waitFor(() => {
      const f = fileOf(u("ics2", "y.ics"));
      return f?.state === "grouped" && f.reason?.includes("y.ids") ? f : null;
    }, "y.ics waiting for y.ids");
    expect(waiting.reason).toBe("1 of 2 present; missing: y.ids");
    write(u("ics2", "y.ids"), Buffer.alloc(64));
    expect(await imported(u("ics2", "y.ids"))).toMatchObject({
      entry: u("ics2", "y.ics"),
      files: [u("ics2", "y.ics"), u("ics2", "y.ids")],
    });
  });

  it("DeltaVision + log, Analyze .hdr/.img, Micro-Manager folder, OME-TIFF companion: one fileset each", async () => {
    write(u("dv", "a.dv.log"), "log");
    write(u("dv", "a.dv"));
    write(u("an", "b.img"), Buffer.alloc(64));
    const hdr = Buffer.alloc(348);
    hdr.writeInt32LE(348, 0);
    write(u("an", "b.hdr"), hdr);
    const meta = JSON.stringify({
      Summary: { MicroManagerVersion: "2.0" },
      "FrameKey-0-0-0": { FileName: "img_000.tif" },
      "FrameKey-1-0-0": { FileName: "img_001.tif" },
    });
    write(u("mm", "img_000.tif"), tiff());
    write(u("mm", "img_001.tif"), tiff());
    write(u("mm", "metadata.txt"), meta);
    const ome = (names: string[]) =>
      `<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" SizeX="4" SizeY="4" SizeZ="${names.length}" SizeC="1" SizeT="1">${names
        .map(
          (n, i) =>
            `<TiffData FirstZ="${i}" IFD="0" PlaneCount="1"><UUID FileName="${n}">urn:uuid:${i}</UUID></TiffData>`,
        )
        .join("")}</Pixels></Image></OME>`;
    write(u("ome", "p1.ome.tif"), tiff(4, 4, ome(["p1.ome.tif", "p2.ome.tif"])));
    write(u("ome", "p2.ome.tif"), tiff(4, 4, ome(["p1.ome.tif", "p2.ome.tif"])));
    write(u("ome", "set.companion.ome"), ome(["p1.ome.tif", "p2.ome.tif"]));
    for (const p of [u("dv", "a.dv"), u("an", "b.img"), u("mm", "img_001.tif"), u("ome", "p2.ome.tif")])
      await imported(p);
    expect(importOf(u("dv", "a.dv"))).toMatchObject({
      entry: u("dv", "a.dv"),
      files: [u("dv", "a.dv"), u("dv", "a.dv.log")],
    });
    expect(importOf(u("an", "b.img"))).toMatchObject({
      entry: u("an", "b.hdr"),
      files: [u("an", "b.hdr"), u("an", "b.img")],
    });
    expect(importOf(u("mm", "img_001.tif"))).toMatchObject({
      entry: u("mm", "metadata.txt"),
      reader: "loci.formats.in.MicromanagerReader",
    });
    expect(importOf(u("mm", "img_001.tif"))!.files).toHaveLength(3);
    expect(importOf(u("ome", "p2.ome.tif"))).toMatchObject({
      entry: u("ome", "set.companion.ome"),
      reader: "loci.formats.in.OMETiffReader",
    });
    expect(importOf(u("ome", "p1.ome.tif"))!.files).toHaveLength(3);
  });

  it("plain TIFF images are recorded with their dimensions; unknown formats are ignored with the reason", async () => {
    write(u("plain", "c.tif"), tiff(8, 6));
    write(u("plain", "notes.xyz"), "nothing reads this");
    await imported(u("plain", "c.tif"));
    expect(importOf(u("plain", "c.tif"))!.images?.[0]).toMatchObject({ sizeX: 8, sizeY: 6, pixelType: "uint8" });
    await waitFor(() => fileOf(u("plain", "notes.xyz"))?.state === "ignored", "notes.xyz ignored");
    expect(fileOf(u("plain", "notes.xyz"))!.reason).toMatch(/no Bio-Formats reader/);
  });

  it("imports Unicode and hostile names exactly as named, never through a shell", async () => {
    const names = ["Übersicht_細胞 (1).tif", "$(touch x).tif", "-rf.tif", "new\nline.tif", `it's "q" ; ls.tif`];
    for (const n of names) write(u("hostile", n), tiff());
    for (const n of names) expect((await imported(u("hostile", n))).entry).toBe(u("hostile", n));
    expect(fs.existsSync(path.join(process.cwd(), "x"))).toBe(false);
    expect(fs.existsSync(u("hostile", "x"))).toBe(false);
  });

  it("refuses a symlink that escapes the user's folder, and files outside user folders", async () => {
    const secret = write(path.join(h.root, "secret.tif"), tiff());
    fs.mkdirSync(u("links"), { recursive: true });
    fs.symlinkSync(secret, u("links", "evil.tif"));
    write(path.join(h.dropbox, "zak", "z.tif"), tiff());
    fs.symlinkSync(path.join(h.dropbox, "zak", "z.tif"), u("links", "other-user.tif"));
    write(path.join(h.dropbox, "loose.tif"), tiff());
    await call_scan();
    expect((await imported(path.join(h.dropbox, "zak", "z.tif"))).user).toBe("zak");
    await waitFor(() => fileOf(u("links", "evil.tif"))?.state === "refused", "evil.tif refused");
    expect(fileOf(u("links", "evil.tif"))!.reason).toMatch(/outside the user's folder/);
    await waitFor(() => fileOf(u("links", "other-user.tif"))?.state === "refused", "other-user.tif refused");
    await waitFor(() => fileOf(path.join(h.dropbox, "loose.tif"))?.state === "refused", "loose.tif refused");
    await dropboxLogShows(h, /File added outside user directories/);
    expect(imports(h).some((i) => i.files.some((f) => f.includes("evil") || f.includes("loose")))).toBe(false);
  });

  it("rename, move and touch after import are not reimported; the ledger follows the rename", async () => {
    const a = write(u("mv", "a.tif"), tiff());
    const id = (await imported(a)).id;
    const before = imports(h).length;
    const b = u("mv2", "b.tif");
    fs.mkdirSync(path.dirname(b), { recursive: true });
    fs.renameSync(a, b);
    const now = new Date();
    fs.utimesSync(b, now, now); // a touch after the move
    fs.renameSync(u("mv2"), u("mv3"));
    // Barrier: a new file imported after the moves.
    const barrier = write(u("mv3", "barrier.tif"), tiff());
    await imported(barrier);
    await sync(h.home);
    // The one new import is the barrier's (named when another one appears: which file came back).
    expect(
      imports(h)
        .slice(before)
        .map((i) => i.files),
    ).toEqual([[barrier]]);
    expect(importOf(u("mv3", "b.tif"))?.id).toBe(id);
    expect(fileOf(u("mv3", "b.tif"))).toMatchObject({ state: "imported", fileset: id });
  });

  it("a file modified after import is listed, not reimported", async () => {
    const m = write(u("mod", "m.tif"), tiff());
    await imported(m);
    fs.appendFileSync(m, "more bytes");
    await imported(write(u("mod", "barrier.tif"), tiff()));
    await waitFor(() => /changed after import/.test(fileOf(m)?.reason ?? ""), "m.tif listed as modified");
    expect(imports(h).filter((i) => i.files.includes(m))).toHaveLength(1);
  });

  async function call_scan(): Promise<void> {
    const { call } = await import("./harness");
    await call(h.home, "scan");
  }
});
