/**
 * ImprovisionTiffReader (order 149; ome/bioformats df36e691,
 * components/formats-gpl/src/loci/formats/in/ImprovisionTiffReader.java): Improvision / Volocity TIFF sets.
 *
 * - isThisType: a `.tif`/`.tiff` (suffixNecessary) whose first IFD's ImageDescription contains `Improvision`;
 *   earlier readers keep theirs (an OME-XML TIFF is OMETiffReader's; MetaMorph/Micro-Manager/Leica names are
 *   claimed before this rule runs).
 * - initStandardMetadata: `TotalZPlanes`, `TotalChannels`, `TotalTimepoints` give the plane count
 *   (z x t x channels, each at least 1); `MultiFileTIFF=yes` (read before the plane's ZPlane, ChannelNo and
 *   TimepointName are all seen, as at MetadataLevel.MINIMUM) makes the reader take every Improvision TIFF of
 *   the folder with the same `SampleUUID=` (none: ""); when those files hold fewer planes than the count, it
 *   opens the file alone. The IFD count is not probed: one plane per file is assumed (Volocity's export).
 * - So a set with a plane still missing is, as in Bio-Formats, one fileset per present file; each is held
 *   (companionWait, "N of M planes") since the rest may still be copying. Nothing names the files: no expected.
 */
import { isOmeXml } from "../omexml";
import { baseOf, dirOf } from "../paths";
import type { CandidateFile } from "../types";
import type { Ctx } from "./context";
import { earlierTiffReader } from "./families";
import type { FamilyOutcome, FamilyRule, FamilySet } from "./families";
import { P } from "./names";

export const IMPROVISION = `${P}ImprovisionTiffReader`;

interface ImprovisionInfo {
  multi: boolean;
  uuid: string;
  planes: number;
}

/** The comment's keys as ImprovisionTiffReader reads them (null: not an Improvision TIFF). */
export function improvisionInfo(f: CandidateFile): ImprovisionInfo | null {
  const desc = f.probe?.tiffDescription;
  if (typeof desc !== "string" || !desc.includes("Improvision") || isOmeXml(desc)) return null;
  const lines = desc.replace(/\r\n?/g, "\n").split("\n");
  const num = (key: string) => {
    const l = lines.find((x) => x.startsWith(`${key}=`));
    const n = l === undefined ? Number.NaN : Number.parseInt(l.slice(key.length + 1), 10);
    return Number.isNaN(n) ? 1 : Math.max(1, n);
  };
  let multi = false;
  let z = false;
  let c = false;
  let t = false;
  for (const l of lines) {
    const eq = l.indexOf("=");
    if (eq < 0) continue;
    const key = l.slice(0, eq);
    if (key === "MultiFileTIFF") multi = l.slice(eq + 1).toLowerCase() === "yes";
    else if (key === "ZPlane") z = true;
    else if (key === "ChannelNo") c = true;
    else if (key === "TimepointName") t = true;
    if (z && c && t) break;
  }
  const uuid =
    lines
      .map((l) => l.trim())
      .find((l) => l.startsWith("SampleUUID="))
      ?.slice("SampleUUID=".length)
      .trim() ?? "";
  return { multi, uuid, planes: num("TotalZPlanes") * num("TotalChannels") * num("TotalTimepoints") };
}

const ORDER = 149;

function run(ctx: Ctx, files: CandidateFile[]): FamilyOutcome {
  const sets: FamilySet[] = [];
  const byDir = new Map<string, { f: CandidateFile; info: ImprovisionInfo }[]>();
  for (const f of files) {
    const info = improvisionInfo(f);
    if (!info || earlierTiffReader(ctx, f, ORDER)) continue;
    const d = dirOf(f.path);
    const list = byDir.get(d);
    if (list) list.push({ f, info });
    else byDir.set(d, [{ f, info }]);
  }
  for (const list of byDir.values()) {
    const used = new Set<string>();
    for (const { f, info } of list) {
      if (used.has(f.path)) continue;
      if (!info.multi) {
        sets.push({ reader: IMPROVISION, entry: f.path, members: [f.path] });
        continue;
      }
      const same = list.filter((x) => x.info.uuid === info.uuid).map((x) => x.f.path);
      if (same.length >= info.planes) {
        for (const p of same) used.add(p);
        sets.push({ reader: IMPROVISION, entry: f.path, members: same });
      } else {
        sets.push({
          reader: IMPROVISION,
          entry: f.path,
          members: [f.path],
          hold: `Improvision multi-file TIFF ${baseOf(f.path)}: ${same.length} of ${info.planes} planes of its sample here; the rest may still be copying`,
        });
      }
    }
  }
  return { sets };
}

export const improvisionRule: FamilyRule = {
  reader: IMPROVISION,
  wants: (ln) => /\.tiff?$/.test(ln),
  run,
};
