#!/usr/bin/env node
/**
 * Plate grouping cost (issue 10): groupPlates over a 384-well, 4-site, 4-channel plate (6,145 files)
 * as MetaXpress (.HTD + TIFFs) and as Harmony (Index.idx.xml listing 6,144 planes), complete, index
 * only and images only; plus the same plate among N ordinary files; then the same through groupFilesets. Prints ms per call (median of
 * --runs) and the index sizes.
 *
 *   npx tsc -b && node scripts/bench/readers/hcs-grouping.js [--runs 7] [--noise 20000]
 */
const path = require("node:path");
const { groupPlates } = require(path.resolve(__dirname, "../../../packages/readers/dist/hcs/index.js"));
const { groupFilesets } = require(path.resolve(__dirname, "../../../packages/readers/dist/grouping/index.js"));
const { defaultCatalogue } = require(path.resolve(__dirname, "../../../packages/readers/dist/catalogue.js"));
const CAT = defaultCatalogue();

const arg = (n, d) => {
  const i = process.argv.indexOf(`--${n}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const RUNS = arg("runs", 7);
const NOISE = arg("noise", 20000);
const tiffHead = Buffer.from("II*\0\x08\0\0\0", "latin1");

function wells() {
  const out = [];
  for (let r = 0; r < 16; r++) for (let c = 0; c < 24; c++) out.push([r, c]);
  return out;
}

function metaxpress(root) {
  const lines = ['"HTSInfoFile", Version 1.0', '"TimePoints", 1', '"ZSteps", 1', '"XWells", 24', '"YWells", 16'];
  for (let r = 0; r < 16; r++) lines.push(`"WellsSelection${r + 1}", ${Array(24).fill("TRUE").join(", ")}`);
  lines.push(
    '"Sites", TRUE',
    '"XSites", 2',
    '"YSites", 2',
    '"SiteSelection1", TRUE, TRUE',
    '"SiteSelection2", TRUE, TRUE',
  );
  lines.push(
    '"Waves", TRUE',
    '"NWavelengths", 4',
    '"WaveName1", "a"',
    '"WaveName2", "b"',
    '"WaveName3", "c"',
    '"WaveName4", "d"',
    '"EndFile"',
  );
  const htd = Buffer.from(`${lines.join("\r\n")}\r\n`);
  const index = { path: `${root}/plate.HTD`, size: htd.length, probe: { head: htd } };
  const images = [];
  for (const [r, c] of wells())
    for (let s = 1; s <= 4; s++)
      for (let w = 1; w <= 4; w++) {
        const name = `plate_${String.fromCharCode(65 + r)}${String(c + 1).padStart(2, "0")}_s${s}_w${w}.TIF`;
        images.push({ path: `${root}/${name}`, size: 2_000_000, probe: { head: tiffHead, tiffDescription: null } });
      }
  return { index, images };
}

function harmony(root) {
  const p2 = (n) => String(n).padStart(2, "0");
  const parts = [
    '<?xml version="1.0" encoding="utf-8"?><EvaluationInputData Version="2" xmlns="http://www.perkinelmer.com/PEHH/HarmonyV5"><Images>',
  ];
  const images = [];
  for (const [r, c] of wells())
    for (let f = 1; f <= 4; f++)
      for (let ch = 1; ch <= 4; ch++) {
        const url = `r${p2(r + 1)}c${p2(c + 1)}f${p2(f)}p01-ch${ch}sk1fk1fl1.tiff`;
        images.push({
          path: `${root}/Images/${url}`,
          size: 2_000_000,
          probe: { head: tiffHead, tiffDescription: null },
        });
        parts.push(
          `<Image Version="1"><id>${p2(r + 1)}${p2(c + 1)}K1F${f}P1R${ch}</id><State>Ok</State><URL>${url}</URL><Row>${r + 1}</Row><Col>${c + 1}</Col><FieldID>${f}</FieldID><PlaneID>1</PlaneID><TimepointID>0</TimepointID><FlimID>1</FlimID><ChannelID>${ch}</ChannelID><ChannelName>c${ch}</ChannelName><ImageType>Signal</ImageType><AcquisitionType>NipkowConfocal</AcquisitionType><IlluminationType>Epifluorescence</IlluminationType><ChannelType>Fluorescence</ChannelType><ImageResolutionX Unit="m">2.9E-07</ImageResolutionX><ImageResolutionY Unit="m">2.9E-07</ImageResolutionY><ImageSizeX>2160</ImageSizeX><ImageSizeY>2160</ImageSizeY><BinningX>1</BinningX><BinningY>1</BinningY><MaxIntensity>65536</MaxIntensity><CameraType>AndorZylaCam</CameraType><PositionX Unit="m">0.0001</PositionX><PositionY Unit="m">0.0002</PositionY><PositionZ Unit="m">0</PositionZ><AbsPositionZ Unit="m">0.135</AbsPositionZ><MeasurementTimeOffset Unit="s">0</MeasurementTimeOffset><AbsTime>2025-01-06T10:00:00.000+01:00</AbsTime><MainExcitationWavelength Unit="nm">375</MainExcitationWavelength><MainEmissionWavelength Unit="nm">456</MainEmissionWavelength><ObjectiveMagnification Unit="">20</ObjectiveMagnification><ObjectiveNA Unit="">0.4</ObjectiveNA><ExposureTime Unit="s">0.1</ExposureTime></Image>`,
        );
      }
  parts.push("</Images></EvaluationInputData>");
  const xml = Buffer.from(parts.join("\r\n"));
  return { index: { path: `${root}/Images/Index.idx.xml`, size: xml.length, probe: { head: xml } }, images };
}

function noise(n) {
  const out = [];
  for (let i = 0; i < n; i++)
    out.push({
      path: `/w/u${i % 50}/exp${i % 400}/img_${i}.tif`,
      size: 1000,
      probe: { head: tiffHead, tiffDescription: null },
    });
  return out;
}

function time(label, files, fn = groupPlates) {
  const ms = [];
  let res;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    res = fn(files);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const f = res.filesets[0];
  console.log(
    `${label.padEnd(44)} files=${String(files.length).padStart(6)}  median ${ms[Math.floor(ms.length / 2)].toFixed(1).padStart(7)} ms  ` +
      `filesets=${res.filesets.length} ${res.claimed ? `claimed=${res.claimed.size} ` : ""}pending=${res.pending.length}` +
      (f ? ` missing=${f.missing.length}` : ""),
  );
}

const mx = metaxpress("/w/alice/plate");
const hm = harmony("/w/bob/plate");
console.log(`Harmony index: ${(hm.index.size / 1048576).toFixed(1)} MiB for 6,144 planes; HTD: ${mx.index.size} bytes`);
time("MetaXpress complete", [mx.index, ...mx.images]);
time("MetaXpress .HTD only", [mx.index]);
time("MetaXpress images only (held)", mx.images);
time(`MetaXpress complete + ${NOISE} other files`, [mx.index, ...mx.images, ...noise(NOISE)]);
time("Harmony complete", [hm.index, ...hm.images]);
time("Harmony index only", [hm.index]);
time("Harmony images only (held)", hm.images);
time(`${NOISE} other files, no plate`, noise(NOISE));

// The production entry point (plates first, then ordinary grouping on the rest).
const gf = (files) => groupFilesets(files, CAT);
console.log("groupFilesets (production path):");
time("  MetaXpress complete", [mx.index, ...mx.images], gf);
time("  MetaXpress images only (pending)", mx.images, gf);
time(`  MetaXpress complete + ${NOISE} other files`, [mx.index, ...mx.images, ...noise(NOISE)], gf);
time("  Harmony complete", [hm.index, ...hm.images], gf);
time(`  ${NOISE} other files, no plate`, noise(NOISE), gf);
