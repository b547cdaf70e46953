/**
 * DeltaVision images and their logs (DeltavisionReader, RCPNLReader; ome/bioformats df36e691
 * components/formats-gpl/src/loci/formats/in/DeltavisionReader.java).
 *
 * findLogFiles (l. 1184-1212), exact names: an image named `x_D3D.dv` uses `x.dv.log` (the raw image's
 * log); any other image `x.e` uses `x.e.log`, else `x.log`; and `x_log.txt` (the deconvolution log).
 * isThisType takes `*.dv.log` / `*.r3d.log` (any case) and `*_log.txt`; initFile opens the image the log is
 * named after (`x.dv.log` -> `x.dv`, `x_log.txt` -> `x.dv`, else the first `.dv` starting with `x`): a log
 * that image does not use is dropped by OMERO's candidate scan ("pruned", pruning.ts).
 */
import { baseOf, dirOf, join } from "../paths";
import { checkedEntry } from "./content";
import { deltavisionRefusal } from "./content-checks";
import { member } from "./context";
import type { Ctx, Decision } from "./context";
import { memo } from "./memo";
import { R } from "./names";
import type { CandidateFile } from "../types";

const IMAGE = /\.(dv|r3d|r3d_d3d|rcpnl)$/i;

export function readerOfDv(p: string): string {
  return p.toLowerCase().endsWith(".rcpnl") ? R.rcpnl : R.dv;
}

/** The logs findLogFiles finds for `image` (present files, exact names). */
export function dvLogsOf(ctx: Ctx, image: string): string[] {
  const name = baseOf(image);
  const dot = name.lastIndexOf(".");
  if (dot < 0) return [];
  const at = (n: string) => (ctx.files.has(join(dirOf(image), n)) ? join(dirOf(image), n) : null);
  const log = name.endsWith("_D3D.dv")
    ? at(`${name.slice(0, name.indexOf("_D3D.dv"))}.dv.log`)
    : (at(`${name}.log`) ?? at(`${name.slice(0, dot)}.log`));
  const deconvolution = at(`${name.slice(0, dot)}_log.txt`);
  return [log, deconvolution].filter((p): p is string => p !== null);
}

/** The logs findLogFiles gives a DeltaVision plan's entry that the plan does not hold (shared.ts: another image's fileset owns them). */
export function dvSharedLogs(ctx: Ctx, plan: { reader: string; entry: string; files: string[] }): string[] {
  if (plan.reader !== R.dv && plan.reader !== R.rcpnl) return [];
  return dvLogsOf(ctx, plan.entry).filter((l) => !plan.files.includes(l));
}

/** Log path -> the images of `dir` whose findLogFiles take it (once per folder and run). */
function logUsers(ctx: Ctx, dir: string): Map<string, string[]> {
  return memo(ctx, `dvlogs:${dir}`, () => {
    const out = new Map<string, string[]>();
    for (const n of ctx.dirs.get(dir)?.names ?? []) {
      if (!IMAGE.test(n) || !ctx.idx.has.has(readerOfDv(n))) continue;
      const img = join(dir, n);
      for (const log of dvLogsOf(ctx, img)) out.set(log, [...(out.get(log) ?? []), img]);
    }
    return out;
  });
}

const acceptsLog = (name: string) => /\.(dv|r3d)\.log$/i.test(name) || name.endsWith("_log.txt");

/** DeltavisionReader.initFile (l. 303-324): the image a log given to it opens (null: none, setId fails). */
function imageOfLog(ctx: Ctx, dir: string, name: string): string {
  const id = /\.(dv|r3d)\.log$/i.test(name) ? name.slice(0, -4) : `${name.slice(0, name.lastIndexOf("_"))}.dv`;
  if (ctx.files.has(join(dir, id))) return join(dir, id);
  const stem = id.slice(0, id.lastIndexOf("."));
  const hit = ctx.dirs.get(dir)?.names.find((n) => n.toLowerCase().endsWith(".dv") && n.startsWith(stem));
  return join(dir, hit ?? id);
}

/** DeltaVision images are entries; a log joins the image that uses it, is pruned, or waits for its image. */
export function deltavisionRule(ctx: Ctx, f: CandidateFile, ln: string): Decision | null {
  const has = ctx.idx.has;
  if (!has.has(R.dv) && !has.has(R.rcpnl)) return null;
  if (IMAGE.test(ln)) {
    const reader = readerOfDv(f.path);
    return has.has(reader) ? checkedEntry(reader, f, deltavisionRefusal) : null;
  }
  const name = baseOf(f.path);
  if (!ln.endsWith(".log") && !name.endsWith("_log.txt")) return null;
  const dir = dirOf(f.path);
  // The images whose findLogFiles take it; with two (x.dv and x_D3D.dv share x.dv.log), the one it is named after.
  const users = logUsers(ctx, dir).get(f.path) ?? [];
  if (users.length > 0) {
    const own = users.find((u) => baseOf(u) === name.slice(0, -4)) ?? users[0]!;
    return member(readerOfDv(own), own);
  }
  if (!has.has(R.dv) || !acceptsLog(name)) return null;
  const image = imageOfLog(ctx, dir, name);
  if (ctx.files.has(image)) {
    return {
      kind: "ignored",
      reason: `DeltaVision log ${name}: DeltavisionReader opens ${baseOf(image)} through it, which does not use it (findLogFiles: ${baseOf(image).endsWith("_D3D.dv") ? "x_D3D.dv takes the raw image's x.dv.log" : "exact names only"}), so OMERO's import skips it`,
      opens: image,
    };
  }
  return {
    kind: "pending",
    waitsFor: image,
    reason: `${name} is a DeltaVision log and waits for its image ${image}`,
  };
}
