/**
 * Readiness with real processes and files (issue 9): a file held open for writing is not imported
 * until closed; a truncated TIFF waits; a proven-complete single-file OME-TIFF is imported after
 * settleTime, well before dirImportWait. The rules themselves: packages/dropbox/src/core/readiness.test.ts.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { sample } from "../helpers/samples";
import { type Home, imports, makeHome, tiff, up, waitFor, write } from "./harness";

jest.setTimeout(60_000);

const ome = (name: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0" Name="${name}"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint8" SizeX="4" SizeY="4" SizeZ="1" SizeC="1" SizeT="1"><TiffData IFD="0" PlaneCount="1"/></Pixels></Image></OME>`;

function importOf(h: Home, p: string) {
  return imports(h).filter((i) => i.files.includes(p));
}
const importedOnce = (h: Home, p: string, timeoutMs = 20000) =>
  waitFor(
    () => {
      const i = importOf(h, p);
      return i.some((x) => x.state === "imported") ? i : null;
    },
    `${p} imported`,
    { timeoutMs },
  );

describe("finished files only (dirImportWait=1)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  const u = (...p: string[]) => path.join(h.dropbox, "amy", ...p);
  beforeAll(async () => {
    h = makeHome({ "omero.fs.dirImportWait": "1", "omero.fs.settleTime": "0.3" });
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("a slow writer keeping the file open, pausing longer than dirImportWait, is imported once, after it closes", async () => {
    const p = u("slow", "s.dv");
    const head = sample(p) as Buffer;
    fs.mkdirSync(path.dirname(p), { recursive: true });
    // A child holds the fd and appends every 1.5 s (longer than dirImportWait), four times.
    const child = spawn(
      process.execPath,
      [
        "-e",
        `const fs=require("fs");const fd=fs.openSync(process.argv[1],"w");fs.writeSync(fd,Buffer.from(process.argv[2],"base64"));let n=0;const t=setInterval(()=>{fs.writeSync(fd,Buffer.alloc(512));if(++n===4){clearInterval(t);fs.closeSync(fd);}},1500);`,
        p,
        // A whole DeltaVision image first (its structure check says complete): only the open fd holds it.
        head.toString("base64"),
      ],
      { stdio: "ignore" },
    );
    const exited = new Promise<number>((r) => child.on("exit", () => r(Date.now())));
    const closedAt = await exited;
    expect(importOf(h, p).filter((x) => x.state === "imported")).toEqual([]);
    const i = await importedOnce(h, p);
    expect(i).toHaveLength(1);
    expect(fs.statSync(p).size).toBe(head.length + 4 * 512);
    expect(Date.now()).toBeGreaterThanOrEqual(closedAt);
  });

  it("a copy interrupted at 40 % (truncated TIFF) waits, then imports once when complete", async () => {
    const p = u("cut", "a.tif");
    const whole = tiff(64, 64);
    write(p, whole.subarray(0, Math.floor(whole.length * 0.4)));
    // Well past dirImportWait + settleTime: still not imported (the strip lies beyond the file end).
    await new Promise((r) => setTimeout(r, 3000));
    expect(importOf(h, p).map((x) => x.state)).not.toContain("imported");
    fs.writeFileSync(p, whole);
    const i = await importedOnce(h, p);
    expect(i).toHaveLength(1);
  });
});

describe("proven complete (dirImportWait=30)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  const u = (...p: string[]) => path.join(h.dropbox, "amy", ...p);
  beforeAll(async () => {
    h = makeHome({ "omero.fs.dirImportWait": "30", "omero.fs.settleTime": "0.5", "omero.fs.completeMarker": ".done" });
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("a single-file OME-TIFF naming only itself is imported after settleTime, not dirImportWait", async () => {
    const p = u("one", "x.ome.tif");
    const t0 = Date.now();
    write(p, tiff(4, 4, ome("x")));
    await importedOnce(h, p, 10000);
    expect(Date.now() - t0).toBeLessThan(10000);
  });

  it("a .done marker in the folder declares a plain TIFF set complete: imported after settleTime", async () => {
    // A plain TIFF is not provably complete (a companion could claim it): dirImportWait (30 s) without the marker.
    write(u("mk", "c.tif"), tiff(8, 6));
    write(u("mk", ".done"), "");
    await importedOnce(h, u("mk", "c.tif"), 10000);
    expect(imports(h).some((x) => x.files.includes(u("mk", ".done")))).toBe(false);
  });
});

describe("holds, markers and OMERO timing", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  const u = (...p: string[]) => path.join(h.dropbox, "amy", ...p);
  beforeAll(async () => {
    h = makeHome({
      "omero.fs.dirImportWait": "1",
      "omero.fs.settleTime": "0.3",
      "omero.fs.companionWait": "60",
    });
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("Micro-Manager TIFFs first, with gaps longer than dirImportWait, become one fileset once metadata.txt arrives", async () => {
    write(u("mm", "img_000.tif"), tiff(4, 4, undefined, [51123]));
    await pause(1500);
    write(u("mm", "img_001.tif"), tiff(4, 4, undefined, [51123]));
    await pause(2000);
    expect(importOf(h, u("mm", "img_000.tif")).map((x) => x.state)).not.toContain("imported");
    const waiting = importOf(h, u("mm", "img_000.tif")).find((x) => x.state === "waiting");
    expect(waiting?.waitingFor).toMatch(/Micro-Manager.*omero\.fs\.companionWait/);
    const meta = JSON.stringify({
      Summary: { MicroManagerVersion: "2.0" },
      "FrameKey-0-0-0": { FileName: "img_000.tif" },
      "FrameKey-1-0-0": { FileName: "img_001.tif" },
    });
    write(u("mm", "metadata.txt"), meta);
    const i = await importedOnce(h, u("mm", "img_000.tif"));
    const done = i.filter((x) => x.state === "imported");
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ entry: u("mm", "metadata.txt"), reader: "loci.formats.in.MicromanagerReader" });
    expect(done[0]!.files).toHaveLength(3);
  });
});

describe("importWhenComplete=false keeps dirImportWait (dirImportWait=4)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    h = makeHome({
      "omero.fs.dirImportWait": "4",
      "omero.fs.settleTime": "0.3",
      "omero.fs.importWhenComplete": "false",
    });
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("a proven-complete single-file OME-TIFF still waits dirImportWait", async () => {
    const p = path.join(h.dropbox, "amy", "one", "x.ome.tif");
    const t0 = Date.now();
    write(p, tiff(4, 4, ome("x")));
    await importedOnce(h, p, 15000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4000);
  });
});
