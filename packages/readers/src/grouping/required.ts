/**
 * Required files of a present entry (`missing` with one reason line each): what the entry's
 * reader cannot open without (README "Rules", last paragraph).
 */
import { omeReferencedFiles } from "../omexml";
import { baseOf, dirOf, join, resolveRef } from "../paths";
import { ndpisImages } from "./entry-lists";
import type { Ctx } from "./context";
import { oifRequired } from "./fv1000";
import { ndPlanes } from "./metamorph";
import { mmFileNames } from "./micromanager";
import { R } from "./names";
import { wholeFileRead, headText, headUtf8 } from "../head";
import { icsPartner } from "./pairs";
import type { CandidateFile, FilesetPlan } from "../types";

export function requiredFiles(
  plan: FilesetPlan,
  f: CandidateFile | undefined,
  ctx?: Ctx,
): { path: string; why: string }[] {
  const dir = dirOf(plan.entry);
  const name = baseOf(plan.entry);
  const ln = name.toLowerCase();
  const out: { path: string; why: string }[] = [];
  switch (plan.reader) {
    case R.ics: {
      const ics2 = headText(f, 64)?.includes("ics_version\t2.0");
      if (!ics2 && ln.endsWith(".ics")) {
        out.push({
          path: join(dir, icsPartner(name)),
          why: `${icsPartner(name)}: pixel data of ICS 1 file ${name} (${f?.probe?.head ? "header is not ics_version 2.0" : "no header read, assumed ICS 1"})`,
        });
      }
      break;
    }
    case R.analyze:
    case R.nifti: {
      // initFile opens <base>.img for every .hdr, a NIfTI n+1 header too (NiftiReader l. 230).
      if (ln.endsWith(".hdr")) {
        const img = `${name.slice(0, -4)}.img`;
        out.push({ path: join(dir, img), why: `${img}: pixel data of the header ${name}` });
      }
      break;
    }
    case R.fv1000: {
      if (ln.endsWith(".oif") && ctx) out.push(...oifRequired(ctx, plan).required);
      break;
    }
    case R.ometiff: {
      const xml = ln.endsWith(".companion.ome") ? headUtf8(f) : (f?.probe?.tiffDescription ?? undefined);
      if (xml && (!ln.endsWith(".companion.ome") || (f && wholeFileRead(f)))) {
        for (const r of omeReferencedFiles(xml)) {
          out.push({ path: resolveRef(dir, r), why: `${r}: named in the OME-XML of ${name}` });
        }
      }
      break;
    }
    case R.mm: {
      if (f && wholeFileRead(f)) {
        for (const fn of mmFileNames(f)) out.push({ path: resolveRef(dir, fn), why: `${fn}: FileName in ${name}` });
      }
      break;
    }
    case R.ndpis: {
      for (const img of ndpisImages(f!)) out.push({ path: resolveRef(dir, img), why: `${img}: listed in ${name}` });
      break;
    }
    case R.metamorph: {
      // MetamorphReader.initFile: the planes the .nd names; without any, it fails ("Unable to locate at
      // least one valid STK file"), so every absent plane holds the set.
      if (ctx && (ln.endsWith(".nd") || ln.endsWith(".scan"))) {
        const planes = ndPlanes(ctx, plan.entry);
        for (const e of planes?.expected ?? [])
          if (!planes!.presentSet.has(e)) out.push({ path: e, why: `${baseOf(e)}: plane computed from ${name}` });
      }
      break;
    }
    case R.bdv: {
      const m = /<hdf5[^>]*>\s*([^<]+?)\s*<\/hdf5>/.exec(headUtf8(f) ?? "");
      if (m) out.push({ path: resolveRef(dir, m[1]!), why: `${m[1]}: the HDF5 file named in ${name}` });
      break;
    }
  }
  return out;
}
