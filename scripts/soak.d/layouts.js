// The layouts the soak drops: what a facility's users copy (single TIFFs, OME-TIFF sets and companions,
// Micro-Manager folders, DeltaVision + logs, ICS/IDS, plates; empty files, deep and too-deep trees),
// built with the readers' own fixture makers (src/__fixtures__, src/__golden__/make). Every file's
// bytes are unique to its layout version (pixels filled from the seed, a token in text files), so an
// import is matched to the version it came from by its SHA-1 alone.
const crypto = require("node:crypto");
const { requireTs } = require("./ts-require");

const make = {
  tiff: requireTs("packages/readers/src/__golden__/make/tiff.ts"),
  ome: requireTs("packages/readers/src/__golden__/make/ome.ts"),
  dv: requireTs("packages/readers/src/__golden__/make/dv.ts"),
  ics: requireTs("packages/readers/src/__golden__/make/ics.ts"),
  mm: requireTs("packages/readers/src/__golden__/make/mm-acquisition.ts"),
  hcs: requireTs("packages/readers/src/__fixtures__/hcs/index.ts"),
};

/** Folder depth of the layout that must be refused (the watch limit is 256 levels). */
const TOO_DEEP = 300;

/**
 * What each kind is: how often it is drawn (weight), whether every member has a structure check
 * (`checked`: a truncated copy is seen as truncated, so interrupted and paused copies may use it)
 * and what the DropBox must do with it (`hold`: never imported, held with a reason).
 */
const KINDS = {
  tiff: { weight: 30, checked: true },
  bigtiff: { weight: 6, checked: true },
  ometiff: { weight: 8, checked: true },
  companion: { weight: 5, checked: true },
  mm: { weight: 7, checked: true },
  dv: { weight: 8, checked: false },
  ics: { weight: 6, checked: false },
  "plate-mx": { weight: 3, checked: true },
  "plate-operetta": { weight: 2, checked: false },
  deep: { weight: 3, checked: true },
  empty: { weight: 2, checked: true, hold: "empty" },
  // Drawn once per run, not by weight: a TIFF TOO_DEEP folders down.
  toodeep: { weight: 0, checked: true, hold: "too deep" },
};

/** Fill every strip of a little-endian classic TIFF with random bytes (the makers write zeros). */
function fillTiffStrips(buf, rng) {
  if (buf.length < 8 || buf.toString("latin1", 0, 2) !== "II" || buf.readUInt16LE(2) !== 42) return false;
  let ifd = buf.readUInt32LE(4);
  let filled = false;
  for (let guard = 0; ifd !== 0 && ifd + 2 <= buf.length && guard < 1000; guard++) {
    const n = buf.readUInt16LE(ifd);
    const tags = new Map();
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      const tag = buf.readUInt16LE(e);
      if (tag !== 273 && tag !== 279) continue;
      const type = buf.readUInt16LE(e + 2);
      const count = buf.readUInt32LE(e + 4);
      const size = type === 3 ? 2 : 4;
      const at = count * size <= 4 ? e + 8 : buf.readUInt32LE(e + 8);
      const values = [];
      for (let k = 0; k < count; k++)
        values.push(size === 2 ? buf.readUInt16LE(at + 2 * k) : buf.readUInt32LE(at + 4 * k));
      tags.set(tag, values);
    }
    const offsets = tags.get(273) ?? [];
    const counts = tags.get(279) ?? [];
    offsets.forEach((o, k) => {
      const len = Math.min(counts[k] ?? 0, buf.length - o);
      if (len > 0) {
        rng.bytes(len).copy(buf, o);
        filled = true;
      }
    });
    ifd = buf.readUInt32LE(ifd + 2 + n * 12);
  }
  return filled;
}

/** Make `content` unique to `token` without changing what a reader makes of it. */
function uniquify(rel, content, token, rng) {
  const buf = Buffer.isBuffer(content) ? Buffer.from(content) : Buffer.from(content, "utf8");
  if (buf.length === 0) return buf;
  const lower = rel.toLowerCase();
  if (fillTiffStrips(buf, rng)) return buf;
  if (/\.(dv|r3d)$/.test(lower) && buf.length > 1024 && buf.readInt16LE(96) === -16224) {
    const start = 1024 + buf.readInt32LE(92);
    rng.bytes(buf.length - start).copy(buf, start);
    return buf;
  }
  if (/\.ids$/.test(lower)) return rng.bytes(buf.length);
  const text = buf.toString("utf8");
  if (text.startsWith("<?xml")) {
    const end = text.indexOf("?>") + 2;
    return Buffer.from(`${text.slice(0, end)}<!-- soak ${token} -->${text.slice(end)}`, "utf8");
  }
  if (/\.ics$/.test(lower) && text.endsWith("end\n"))
    return Buffer.from(`${text.slice(0, -4)}history\tsoak ${token}\nend\n`);
  if (text.startsWith('"HTSInfoFile"')) {
    const h = crypto.createHash("sha1").update(token).digest("hex");
    const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    return Buffer.from(
      text.replace(/"UniquePlateIdentifier", "[^"]*"/, `"UniquePlateIdentifier", "${uuid}"`),
      "latin1",
    );
  }
  if (/\.log$/.test(lower)) return Buffer.from(`${text}soak ${token}\n`);
  return buf;
}

function tiffOfSize(rng, big) {
  const side = big ? rng.pick([512, 768, 1024]) : rng.pick([16, 32, 64, 64, 128, 256]);
  return make.tiff.tiff({ width: side, height: side });
}

/**
 * The files of one layout version ([{rel, content, sha1}]) and its expected filesets (groups of rel
 * paths). `name` names the files (the same for every version of a layout), `token` is unique to the
 * version.
 */
function generate(kind, rng, name, token) {
  const files = {};
  let groups;
  switch (kind) {
    case "tiff":
    case "deep":
    case "toodeep": {
      const f = `${name}.tif`;
      files[f] = tiffOfSize(rng, false);
      groups = [[f]];
      break;
    }
    case "bigtiff": {
      const f = `${name}.tif`;
      files[f] = tiffOfSize(rng, true);
      groups = [[f]];
      break;
    }
    case "empty": {
      const f = `${name}.tif`;
      files[f] = Buffer.alloc(0);
      groups = [];
      break;
    }
    case "ometiff": {
      const n = rng.int(2, 5);
      const side = rng.pick([16, 64, 128]);
      const names = Array.from({ length: n }, (_, z) => `${name}_Z${z}.ome.tif`);
      for (const f of names) {
        const description = make.ome.omeXml({
          name,
          files: names,
          uuid: make.ome.uuidOf(f),
          width: side,
          height: side,
        });
        files[f] = make.tiff.tiff({ width: side, height: side, description });
      }
      groups = [names];
      break;
    }
    case "companion": {
      const n = rng.int(2, 4);
      const names = Array.from({ length: n }, (_, z) => `${name}_Z${z}.ome.tif`);
      Object.assign(files, make.ome.companion(name, names));
      groups = [Object.keys(files)];
      break;
    }
    case "mm": {
      const channels = rng.pick([["DAPI"], ["DAPI", "GFP"], ["DAPI", "GFP", "RFP"]]);
      const frames = rng.int(1, 6);
      // As Micro-Manager writes them: each TIFF carries its MicroManagerMetadata tag (51123), so a
      // plane copied before metadata.txt is held for it (companionWait), not imported alone.
      const o = { prefix: token, channels, frames };
      files["metadata.txt"] = make.mm.mmMetadata(o);
      for (const n of make.mm.mmNames(o)) files[n] = make.tiff.tiff({ extraTags: [51123] });
      groups = [Object.keys(files)];
      break;
    }
    case "dv": {
      const f = `${name}.dv`;
      const side = rng.pick([16, 64, 128]);
      files[f] = make.dv.dv({ width: side, height: side, planes: rng.int(1, 4) });
      const g = [f];
      if (rng.chance(0.7)) {
        files[`${f}.log`] = make.dv.dvLog(f);
        g.push(`${f}.log`);
      }
      groups = [g];
      break;
    }
    case "ics": {
      const side = rng.pick([16, 64, 128]);
      Object.assign(files, make.ics.icsPair(name, { width: side, height: side }));
      groups = [Object.keys(files)];
      break;
    }
    case "plate-mx": {
      const wells = [];
      for (const r of "ABCDEFGH".slice(0, rng.int(1, 3)))
        for (let c = 1; c <= rng.int(2, 4); c++) wells.push(`${r}0${c}`);
      const fx = make.hcs.metaxpressPlate({
        plate: name,
        wells,
        xSites: rng.int(1, 2),
        ySites: 1,
        waves: rng.pick([["DAPI"], ["DAPI", "FITC"]]),
      });
      for (const f of fx.files) files[f.path] = f.content;
      groups = [fx.files.map((f) => f.path)];
      break;
    }
    case "plate-operetta": {
      const wells = Array.from({ length: rng.int(1, 3) }, (_, i) => [3, i + 1]);
      const fx = make.hcs.operettaPlate({ plate: name, wells, fields: rng.int(1, 2), channels: ["DAPI", "Alexa 488"] });
      for (const f of fx.files) files[f.path] = f.content;
      groups = [fx.files.map((f) => f.path)];
      break;
    }
    default:
      throw new Error(`soak: unknown layout kind ${kind}`);
  }
  const out = Object.entries(files).map(([rel, content]) => {
    const bytes = uniquify(rel, content, token, rng);
    return { rel, content: bytes, sha1: crypto.createHash("sha1").update(bytes).digest("hex") };
  });
  return { files: out, groups };
}

module.exports = { KINDS, TOO_DEEP, generate };
