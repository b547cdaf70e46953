/**
 * An Olympus ScanR acquisition folder: `experiment_descriptor.xml` (LabVIEW cluster XML),
 * `experiment_descriptor.dat`, `AcquisitionLog.dat`, and `data/` with planes named
 * `<well>--W<5>--P<5>--Z<5>--T<5>--<channel>.tif` (the blocks ScanrReader.getBlock matches).
 */
import { makeTiff, readablePlane } from "../make-tiff";
import type { FixtureFile, PlateFixture } from "./plate";

/** ScanR planes carry the Software tag ScanrReader.isThisType(stream) asks for. */
const imaqTiff = () =>
  makeTiff({ ifds: [{ width: 4, height: 4, software: "National Instruments IMAQ", ...readablePlane(4, 4) }] });

export function scanrImageName(
  label: string,
  well: number,
  pos: number,
  z: number,
  t: number,
  channel: string,
): string {
  const b = (n: number) => String(n).padStart(5, "0");
  return `${label}--W${b(well)}--P${b(pos)}--Z${b(z)}--T${b(t)}--${channel}.tif`;
}

export function scanrPlate(opts: { wells?: string[]; positions?: number; channels?: string[] } = {}): PlateFixture {
  const wells = opts.wells ?? ["A1", "A2"];
  const positions = opts.positions ?? 2;
  const channels = opts.channels ?? ["DAPI", "GFP"];
  const cluster = (name: string, v: string | number) => `<I32><Name>${name}</Name><Val>${v}</Val></I32>`;
  const xml = [
    `<?xml version="1.0" encoding="windows-1252"?>`,
    `<LVData xmlns="http://www.ni.com/LVData"><Version>8.6</Version><Cluster><Name>experiment</Name>`,
    `<String><Name>plate name</Name><Val>ScanR plate</Val></String>`,
    cluster("columns/well", positions),
    cluster("rows/well", 1),
    cluster("# slices", 1),
    ...wells.map(
      (w, i) =>
        `<String><Name>well selection table + cDNA</Name><Val>${i + 1}</Val></String><String><Name>well selection table + cDNA</Name><Val>${w}</Val></String>`,
    ),
    ...channels.map(
      (c) =>
        `<Cluster><Name>channel</Name><String><Name>name</Name><Val>${c}</Val></String>${cluster("idle", 0)}</Cluster>`,
    ),
    `</Cluster></LVData>`,
  ].join("\r\n");
  const files: FixtureFile[] = [
    { path: "experiment_descriptor.xml", content: Buffer.from(xml, "latin1"), kind: "index" },
    { path: "experiment_descriptor.dat", content: Buffer.alloc(64), kind: "metadata" },
    { path: "AcquisitionLog.dat", content: Buffer.from("10:00:00 start\r\n"), kind: "metadata" },
  ];
  wells.forEach((w, wi) => {
    for (let p = 1; p <= positions; p++)
      for (const c of channels)
        files.push({ path: `data/${scanrImageName(w, wi + 1, p, 0, 0, c)}`, content: imaqTiff(), kind: "image" });
  });
  return {
    entry: "experiment_descriptor.xml",
    reader: "loci.formats.in.ScanrReader",
    files,
    wells: wells.length,
    fields: positions,
    channels: channels.length,
    timepoints: 1,
  };
}
