/**
 * Readers whose entry names (or numbers) its members (ome/bioformats df36e691,
 * components/formats-*\/src/loci/formats/in/<Reader>.java):
 *
 * - VisitechReader (36): `<base> Report.html` + `<base> <n>.xys` for n = 1.. (one file per channel; the channel
 *   count is in the report, taken here as the run of `<base> <n>.xys` present from 1). isThisType takes `.xys`,
 *   and any name with a space whose `<prefix> 1.xys` exists (initFile switches to `<prefix> Report.html`).
 * - L2DReader (40): `x.l2d` (content "LI-COR LI2D") with `ScanNames=a,b`: every scan folder `a/` that exists gives
 *   its `.scn` files (recursively) and the TIFFs of `ImageNames=` in `a/a.scn`.
 * - HamamatsuVMSReader (71): `.vms` INI `[Virtual Microscope Specimen]`: `ImageFile`, `ImageFile(c,r)`, `MapFile`,
 *   `OptimisationFile`, `MacroImage`, relative to the `.vms`.
 * - AFIReader (82): `.afi` XML whose `<Path>` elements name the `.svs` channels, relative to it.
 * - OlympusTileReader (96): `.omp2info` XML: each `matl:area/matl:image` (`.oir`/`.vsi`) with the files its own
 *   reader uses (OIR `_NNNNN` parts, the VSI's `_x_/` folder), and `matl:map/matl:image`.
 * - SEQReader (128): `.ips` (binary) naming its `.seq` TIFFs (initFile opens the first).
 * Listed members not there are `missing` (these readers open or list them); expected = the listed files, closed
 * once the entry was read whole.
 */
import { wholeFileRead } from "../head";
import { baseOf, dirOf, join, resolveRef } from "../paths";
import type { CandidateFile } from "../types";
import type { Ctx } from "./context";
import { filesUnder } from "./families";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { P } from "./names";

const reader = (n: string) => `${P}${n}`;

/** A set whose entry lists `listed` (absolute); absent ones are required. */
export function listedSet(r: string, ctx: Ctx, f: CandidateFile, listed: string[], why: string): FamilySet {
  const uniq = [...new Set(listed.filter((p) => p !== f.path))];
  const whole = wholeFileRead(f);
  return {
    reader: r,
    entry: f.path,
    members: [f.path, ...uniq.filter((p) => ctx.files.has(p))],
    expected: whole ? [f.path, ...uniq] : undefined,
    closed: whole,
    required: uniq.filter((p) => !ctx.files.has(p)).map((p) => ({ path: p, why: `${baseOf(p)}: ${why}` })),
  };
}

export const visitechRule: FamilyRule = {
  reader: reader("VisitechReader"),
  wants: (ln) => ln.includes(" "),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [], ignored: new Map() };
    const used = new Set<string>();
    for (const f of files) {
      const name = baseOf(f.path);
      if (!name.endsWith(" Report.html")) continue;
      const dir = dirOf(f.path);
      const base = name.slice(0, name.lastIndexOf(" "));
      if (!ctx.files.has(join(dir, `${base} 1.xys`))) continue;
      const members = [f.path];
      for (let n = 1; ctx.files.has(join(dir, `${base} ${n}.xys`)); n++) members.push(join(dir, `${base} ${n}.xys`));
      for (const m of members) used.add(m);
      out.sets.push({ reader: this.reader, entry: f.path, members });
    }
    for (const f of files) {
      const name = baseOf(f.path);
      if (used.has(f.path)) continue;
      const prefix = name.slice(0, name.lastIndexOf(" "));
      const dir = dirOf(f.path);
      if (!/\.xys$/i.test(name) && !ctx.files.has(join(dir, `${prefix} 1.xys`))) continue;
      const report = join(dir, `${prefix} Report.html`);
      out.ignored!.set(
        f.path,
        ctx.files.has(report)
          ? `VisitechReader takes ${name} but ${baseOf(report)} does not use it`
          : `VisitechReader opens ${name} through ${baseOf(report)}, which is not there`,
      );
    }
    return out;
  },
};

/** Key=value lines (`#` comments) of an L2D / `.scn` text. */
function keyValues(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.includes("=")) continue;
    m.set(line.slice(0, line.indexOf("=")).trim(), line.slice(line.indexOf("=") + 1).trim());
  }
  return m;
}

export const l2dRule: FamilyRule = {
  reader: reader("L2DReader"),
  wants: (ln) => ln.endsWith(".l2d"),
  run(ctx, files) {
    const out: FamilyOutcome = { sets: [] };
    for (const f of files) {
      const text = f.probe?.head?.toString("latin1");
      if (text !== undefined && !text.slice(0, 512).includes("LI-COR LI2D")) continue;
      const dir = dirOf(f.path);
      const scans = (keyValues(text ?? "").get("ScanNames") ?? "").split(",").map((s) => s.trim());
      const listed: string[] = [];
      for (const s of scans) {
        const scanDir = join(dir, s);
        const scnFiles = filesUnder(ctx, scanDir).filter((p) => /\.scn$/i.test(p));
        if (s === "" || scnFiles.length === 0) continue;
        listed.push(...scnFiles.sort());
        const scn = ctx.files.get(join(scanDir, `${s}.scn`));
        const images = keyValues(scn?.probe?.head?.toString("latin1") ?? "").get("ImageNames");
        for (const t of images?.split(",") ?? []) listed.push(join(scanDir, t.trim()));
      }
      out.sets.push(listedSet(this.reader, ctx, f, listed, `TIFF of a scan listed in ${baseOf(f.path)}`));
    }
    return out;
  },
};

/** The `[Virtual Microscope Specimen]` file keys of a `.vms`. */
export function vmsListed(text: string): string[] {
  const out: string[] = [];
  let inTable = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("[")) inTable = line === "[Virtual Microscope Specimen]";
    if (!inTable || !line.includes("=")) continue;
    const key = line.slice(0, line.indexOf("=")).trim();
    const value = line.slice(line.indexOf("=") + 1).trim();
    if (/^(ImageFile(\(\d+,\d+\))?|MapFile|OptimisationFile|MacroImage)$/.test(key) && value !== "") out.push(value);
  }
  return out;
}

export const hamamatsuVmsRule: FamilyRule = {
  reader: reader("HamamatsuVMSReader"),
  wants: (ln) => ln.endsWith(".vms"),
  run(ctx, files) {
    return {
      sets: files.map((f) => {
        const listed = vmsListed(f.probe?.head?.toString("latin1") ?? "").map((n) => resolveRef(dirOf(f.path), n));
        return listedSet(this.reader, ctx, f, listed, `listed in ${baseOf(f.path)}`);
      }),
    };
  },
};

export const afiRule: FamilyRule = {
  reader: reader("AFIReader"),
  wants: (ln) => ln.endsWith(".afi"),
  run(ctx, files) {
    return {
      sets: files.map((f) => {
        const xml = f.probe?.head?.toString("utf8") ?? "";
        const listed = [...xml.matchAll(/<Path>\s*([^<]*?)\s*<\/Path>/g)].map((m) => resolveRef(dirOf(f.path), m[1]!));
        return listedSet(this.reader, ctx, f, listed, `channel listed in ${baseOf(f.path)}`);
      }),
    };
  },
};

/** What the tile's own reader uses: an `.oir` and its `_NNNNN` parts, a `.vsi` and its `_x_/` folder. */
function tileFiles(ctx: Ctx, tile: string): string[] {
  const dir = dirOf(tile);
  const name = baseOf(tile);
  const base = name.slice(0, name.lastIndexOf("."));
  if (/\.oir$/i.test(name))
    return [
      tile,
      ...(ctx.dirs.get(dir)?.names ?? [])
        .filter((n) => /^.*_\d{5}$/.test(n) && n.startsWith(`${base}_`))
        .map((n) => join(dir, n)),
    ];
  if (/\.vsi$/i.test(name))
    return [tile, ...[...ctx.files.keys()].filter((p) => p.startsWith(`${join(dir, `_${base}_`)}/`))];
  return [tile];
}

export const olympusTileRule: FamilyRule = {
  reader: reader("OlympusTileReader"),
  wants: (ln) => ln.endsWith(".omp2info"),
  run(ctx, files) {
    return {
      sets: files.map((f) => {
        const xml = f.probe?.head?.toString("utf8") ?? "";
        const dir = dirOf(f.path);
        const images = [...xml.matchAll(/<matl:area\b[\s\S]*?<matl:image>\s*([^<]*?)\s*<\/matl:image>/g)].map((m) =>
          resolveRef(dir, m[1]!),
        );
        const map = /<matl:map\b[\s\S]*?<matl:image>\s*([^<]*?)\s*<\/matl:image>/.exec(xml);
        const listed = [...images.flatMap((t) => tileFiles(ctx, t)), ...(map ? [resolveRef(dir, map[1]!)] : [])];
        return listedSet(this.reader, ctx, f, listed, `tile listed in ${baseOf(f.path)}`);
      }),
    };
  },
};

/** SEQReader.initFile on an `.ips`: the channel names, then the file count and names (byte-length strings). */
export function ipsFiles(b: Buffer | undefined): string[] | null {
  if (!b || b.length < 31) return null;
  try {
    let pos = 27;
    const channels = b.readInt32LE(pos);
    pos += 4;
    for (let c = 0; c < channels; c++) pos += 1 + b[pos]!;
    const count = b.readInt32LE(pos);
    pos += 4;
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const len = b[pos]!;
      if (pos + 1 + len > b.length) return null;
      out.push(b.toString("latin1", pos + 1, pos + 1 + len));
      pos += 1 + len;
    }
    return out;
  } catch {
    return null;
  }
}

export const seqRule: FamilyRule = {
  reader: reader("SEQReader"),
  wants: (ln) => ln.endsWith(".ips"),
  run(ctx, files) {
    return {
      sets: files.map((f) => {
        const listed = (ipsFiles(f.probe?.head) ?? []).map((n) => resolveRef(dirOf(f.path), n));
        return listedSet(this.reader, ctx, f, listed, `listed in ${baseOf(f.path)}`);
      }),
    };
  },
};
