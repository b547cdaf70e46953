/**
 * groupFilesets: runs the rules in README order for every file, builds the filesets, their
 * `missing`, readiness facts (facts.ts) and the whitelist by entry (whitelist.ts). Also needsHeader /
 * wantsWholeFile, which tell the io probe what the rules need.
 */
import { matchesWhitelist, normaliseWhitelist } from "@omero-fs/protocol";
import type { Catalogue } from "../catalogue";
import { HCS_WHOLE_FILE_MAX_BYTES, groupPlates, hcsNeedsHeader, hcsWantsWholeFile } from "../hcs/plates";
import { baseOf, dirOf, join } from "../paths";
import { defaultIndex, indexOf } from "./catalogue-index";
import type { CatIndex } from "./catalogue-index";
import { suffixMatches } from "./catalogue-index";
import { suffixDecision } from "./content";
import { corruptTiff } from "./content-checks";
import { buildDirs, entry, findPath, member } from "./context";
import type { Ctx, Decision, DirInfo } from "./context";
import { buildClaims } from "./entry-lists";
import { FAMILY_RULES, familyNeedsHeader, familyWantsWholeByHead, familyWantsWholeFile } from "./family-rules";
import { dvSharedLogs } from "./deltavision";
import { buildFamilies, familyDecision, familyFacts, familyShared } from "./families";
import { folderRule, layoutWithoutEntry } from "./layouts";
import { microManagerRule, mmPasses } from "./micromanager";
import { R, isMmMetadataName, isTiffName, shortName } from "./names";
import { nameRule } from "./pairs";
import { LIF } from "./lif";
import { dropPrunedFilesets } from "./pruning";
import { settleShared } from "./shared";
import { sniffDecision } from "./sniff";
import { requiredFiles } from "./required";
import { tiffRule } from "./tiff-names";
import { planFacts } from "./facts";
import { listingFacts } from "./listing-facts";
import { ZARR_METADATA } from "./zarr";
import type { CandidateFile, FilesetPlan, GroupingOptions, GroupingResult } from "../types";
import { WHOLE_FILE_MAX_BYTES } from "../types";
import { notWantedReason } from "./whitelist";

export function decide(ctx: Ctx, f: CandidateFile): Decision {
  const d = decideAlone(ctx, f);
  const layout = (d.kind === "ignored" && d.reason === "") || "reader" in d ? layoutWithoutEntry(ctx, f.path) : null;
  if (!layout) return d;
  // Inside a layout folder without its entry: what Bio-Formats makes of the file alone (README rule 2).
  if ("reader" in d && d.reader === layout.reader)
    return { kind: "ignored", reason: `${layout.hold}; ${shortName(layout.reader)} cannot open it without that entry` };
  if (d.kind === "ignored") return { kind: "ignored", reason: `${layout.hold}; no Bio-Formats reader opens it alone` };
  return d;
}

function decideAlone(ctx: Ctx, f: CandidateFile): Decision {
  const name = baseOf(f.path);
  const ln = name.toLowerCase();
  if (name.startsWith(".")) {
    // Zarr v2 metadata (.zattrs, .zarray...) are members of their Zarr (ZarrReader.getUsedFiles walks every file).
    const z = ZARR_METADATA.has(ln) ? folderRule(ctx, f, ln) : null;
    if (z?.kind === "member" && z.reader === R.zarr) return z;
    return { kind: "ignored", reason: "name starts with '.': OMERO's candidate scan skips dot files" };
  }
  if (ln.endsWith(".filepart")) {
    return {
      kind: "ignored",
      reason: "partial copy (.filepart): Bio-Formats refuses these names; the finished file will be imported",
    };
  }
  const structural = folderRule(ctx, f, ln) ?? microManagerRule(ctx, f, ln);
  if (structural) return structural;
  const claim = ctx.claims.get(f.path);
  if (claim) return claim.entry === f.path ? entry(claim.reader) : member(claim.reader, claim.entry);
  const wait = ctx.waits.get(f.path);
  if (wait) return { kind: "pending", reason: wait };
  // An empty file is no image yet (Bio-Formats' setId fails on it): a copy that has not started, or
  // a file created empty. It is judged again when it changes. FakeReader's .fake files are empty by design.
  if (f.size === 0 && f.probe?.head && !ln.endsWith(".fake"))
    return {
      kind: "ignored",
      reason: `empty: ${name} has 0 bytes; Bio-Formats cannot open an empty file (it is looked at again when it changes)`,
    };
  const family = familyDecision(ctx, f.path);
  if (family) return family;
  const corrupt = isTiffName(ln) ? corruptTiff(f) : null;
  if (corrupt)
    return {
      kind: "ignored",
      reason: `corrupt: ${name} is named like a TIFF but ${corrupt}; Bio-Formats cannot open it (the import would fail)`,
    };
  const rule = tiffRule(ctx, f, ln) ?? nameRule(ctx, f, ln);
  if (rule) return rule;
  const s = suffixDecision(ctx.idx, f, ln);
  if (s && "reader" in s) return entry(s.reader);
  if (s) return { kind: "ignored", reason: `not an image Bio-Formats opens: ${s.refused} (${shortName(s.by)})` };
  return sniffDecision(ctx.idx, f) ?? { kind: "ignored", reason: "" };
}

export function buildContext(idx: CatIndex, files: Map<string, CandidateFile>, dirs: Map<string, DirInfo>): Ctx {
  const ctx: Ctx = {
    idx,
    files,
    dirs,
    mm: new Map(),
    mmPos: new Map(),
    nd: new Map(),
    claims: new Map(),
    waits: new Map(),
    mvd2: new Map(),
  };
  for (const [dir, info] of dirs) {
    for (const n of info.names) {
      const ln = n.toLowerCase();
      const p = join(dir, n);
      if (isMmMetadataName(ln) && idx.has.has(R.mm) && mmPasses(files.get(p)!)) {
        const list = ctx.mm.get(dir) ?? [];
        list.push(p);
        ctx.mm.set(dir, list);
        if (baseOf(dir).includes("Pos_")) {
          const parent = dirOf(dir);
          const pos = ctx.mmPos.get(parent) ?? [];
          pos.push(p);
          ctx.mmPos.set(parent, pos);
        }
      }
      if ((ln.endsWith(".nd") || ln.endsWith(".scan")) && !n.startsWith(".")) {
        const list = ctx.nd.get(dir) ?? [];
        list.push(p);
        ctx.nd.set(dir, list);
      }
    }
  }
  for (const list of ctx.mmPos.values()) list.sort();
  for (const list of ctx.nd.values()) list.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return ctx;
}

export function ignoredReason(defCtx: Ctx, f: CandidateFile, source: string): string {
  const d = decide(defCtx, f);
  const ext = baseOf(f.path).includes(".") ? baseOf(f.path).slice(baseOf(f.path).lastIndexOf(".")) : "(no extension)";
  if (d.kind === "entry" || d.kind === "member") {
    return `the watch's readers (${source}) exclude it: by default ${d.reader} would read it`;
  }
  if (d.kind === "ignored" && d.reason) return d.reason;
  return `no Bio-Formats reader accepts this file (suffix ${ext})`;
}

/** Which candidates need `probe` for their reader or fileset to be decided. Pure. */
export function needsHeader(path: string, catalogue: Catalogue): boolean {
  const ln = baseOf(path).toLowerCase();
  const has = indexOf(catalogue).has;
  if (ZARR_METADATA.has(ln)) return has.has(R.zarr) && /\.zarr\//i.test(path);
  if (ln.startsWith(".") || ln.endsWith(".filepart")) return false;
  if (hcsNeedsHeader(path)) return true;
  if (isTiffName(ln) || ln.endsWith(".stk")) return true;
  if (ln.endsWith(".ics")) return has.has(R.ics);
  if (ln.endsWith(".hdr")) return has.has(R.analyze) || has.has(R.nifti);
  if (ln.endsWith(".companion.ome")) return has.has(R.ometiff);
  if (isMmMetadataName(ln)) return true;
  if (ln.endsWith(".nd") || ln.endsWith(".scan")) return has.has(R.metamorph);
  if (ln.endsWith(".ndpis")) return has.has(R.ndpis);
  if (ln.endsWith(".lei")) return has.has(R.leica);
  if (/\.(xlef|xlif|xlcf)$/.test(ln)) return has.has(R.xlef);
  if (ln.endsWith(".pattern")) return has.has(R.pattern);
  if (ln.endsWith(".oif") || ln.endsWith(".pty")) return has.has(R.fv1000);
  if (ln.endsWith(".lif")) return has.has(LIF);
  if (familyNeedsHeader(ln, has)) return true;
  if (/\.(txt|csv|xml|ims|msr|scn|raw|dv|r3d|r3d_d3d|rcpnl|nd2|czi|lof|nii|png)$/.test(ln)) return true;
  // A name no reader claims is read by content (sniff.ts): `cells.tif~`, `scan.czi.bak`.
  return suffixMatches(indexOf(catalogue), ln).length === 0;
}

/**
 * Whether a probe can refuse a file its name alone would give a reader (content-checks.ts: corrupt
 * TIFFs, DeltaVision/ND2/CZI/LOF/NIfTI magic numbers). Such a file, once ignored, must be probed
 * again whenever its folder is regrouped, or its name would make it a fileset.
 */
export function probeCanRefuse(path: string): boolean {
  const ln = baseOf(path).toLowerCase();
  return !ln.startsWith(".") && (isTiffName(ln) || /\.(dv|r3d|r3d_d3d|rcpnl|nd2|czi|lof|nii|png)$/.test(ln));
}

/** Leica documents that list many files (an `.xlif` of a large tile scan names thousands of frames). */
export const LIST_WHOLE_FILE_MAX_BYTES = 16 * 1024 * 1024;

/** How many bytes the io probe reads at most to have this file whole (0: only HEADER_BYTES): plate indexes
 * up to HCS_WHOLE_FILE_MAX_BYTES, `.lei`/`.xlef`/`.xlif`/`.xlcf` up to LIST_WHOLE_FILE_MAX_BYTES, other
 * index files up to WHOLE_FILE_MAX_BYTES. */
export function wholeFileMax(path: string): number {
  if (hcsWantsWholeFile(path)) return HCS_WHOLE_FILE_MAX_BYTES;
  if (!wantsWholeFile(path)) return 0;
  return /\.(lei|xlef|xlif|xlcf)$/i.test(path) || familyWantsWholeFile(baseOf(path))
    ? LIST_WHOLE_FILE_MAX_BYTES
    : WHOLE_FILE_MAX_BYTES;
}

/** After the first HEADER_BYTES: how many bytes the io probe should read whole because the head says the file
 * is an index that lists its members (a Prairie `<PVScan>` XML); 0 when the head is enough. */
export function wholeFileMaxByHead(path: string, head: Buffer): number {
  return familyWantsWholeByHead(baseOf(path).toLowerCase(), head) ? LIST_WHOLE_FILE_MAX_BYTES : 0;
}

/** Whether the io probe should read the whole file (up to wholeFileMax) rather than HEADER_BYTES. */
export function wantsWholeFile(path: string): boolean {
  const ln = baseOf(path).toLowerCase();
  return (
    hcsWantsWholeFile(path) ||
    ln.endsWith(".companion.ome") ||
    isMmMetadataName(ln) ||
    ln.endsWith(".nd") ||
    ln.endsWith(".scan") ||
    ln.endsWith(".ndpis") ||
    /\.(lei|xlef|xlif|xlcf|pattern|oif|pty)$/.test(ln) ||
    ln.endsWith("_meta.xml") ||
    familyWantsWholeFile(baseOf(path)) ||
    (ZARR_METADATA.has(ln) && /\.zarr\//i.test(path))
  );
}

/**
 * Decides readers and filesets for every not-yet-imported candidate of one watch. Pure, O(n log n).
 * Each input path ends up in exactly one of: one fileset's files, ignored, pending. A correct
 * function of the files present, whatever order they arrived in; `opts.whitelist` keeps only the
 * filesets whose entry name matches (their companions stay members whatever their suffix).
 */
export function groupFilesets(
  files: CandidateFile[],
  catalogue: Catalogue,
  opts: GroupingOptions = {},
): GroupingResult {
  const idx = indexOf(catalogue);
  const all = new Map<string, CandidateFile>();
  for (const f of files) if (!all.has(f.path)) all.set(f.path, f);
  // Plates first (hcs/): their claimed and pending paths are not seen by the ordinary rules.
  const plates = groupPlates([...all.values()], (r) => idx.has.has(r));
  const plateByEntry = new Map<string, FilesetPlan>(plates.filesets.map((p) => [p.entry, p]));
  const platePending = new Set(plates.pending.map((p) => p.path));
  const byPath = new Map<string, CandidateFile>();
  for (const [p, f] of all) {
    if (plates.claimed.has(p) || platePending.has(p)) continue;
    // x.bfoptions beside a plate entry joins the plate.
    if (p.toLowerCase().endsWith(".bfoptions") && !baseOf(p).startsWith(".")) {
      const plate = plateByEntry.get(p.slice(0, -".bfoptions".length));
      if (plate) {
        plate.files.push(p);
        continue;
      }
    }
    byPath.set(p, f);
  }
  const sorted = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const dirs = buildDirs(byPath);
  const ctx = buildContext(idx, byPath, dirs);
  buildClaims(ctx, sorted);
  buildFamilies(ctx, sorted, FAMILY_RULES);
  let defCtx: Ctx | null = null;

  const decisions = new Map<string, Decision>();
  const bfoptions: CandidateFile[] = [];
  for (const f of sorted) {
    if (f.path.toLowerCase().endsWith(".bfoptions") && !baseOf(f.path).startsWith(".")) {
      bfoptions.push(f);
      continue;
    }
    let d = decide(ctx, f);
    if (d.kind === "ignored" && d.reason === "") {
      if (idx.source === "default") d = { kind: "ignored", reason: ignoredReason(ctx, f, idx.source) };
      else {
        defCtx ??= (() => {
          const c = buildContext(defaultIndex(), byPath, dirs);
          buildClaims(c, sorted);
          buildFamilies(c, sorted, FAMILY_RULES);
          return c;
        })();
        d = { kind: "ignored", reason: ignoredReason(defCtx, f, idx.source) };
      }
    }
    decisions.set(f.path, d);
  }

  const plans = new Map<string, FilesetPlan>();
  const waitsFor = new Map<string, string>();
  const result: GroupingResult = { filesets: [], ignored: [], pending: [] };
  for (const plate of plates.filesets) {
    const [head, ...rest] = plate.files;
    plate.files = head === plate.entry ? [head, ...rest.sort()] : plate.files.sort();
    result.filesets.push(plate);
  }
  for (const p of plates.pending) {
    result.pending.push({ path: p.path, reason: p.reason });
  }
  for (const p of plates.ignored ?? []) result.ignored.push(p);
  for (const f of sorted) {
    const d = decisions.get(f.path);
    if (d?.kind === "entry")
      plans.set(f.path, { key: f.path, reader: d.reader, entry: f.path, files: [f.path], missing: [], reasons: [] });
  }

  type Target = FilesetPlan | { kind: "pending" | "ignored"; reason: string; waitsFor?: string };
  /** The plan a path ends up in, following member -> entry chains (an entry may itself be a member). */
  const planOf = (p: string, depth = 0): Target => {
    const d = decisions.get(p);
    if (!d) return { kind: "pending", reason: `waits for its entry file ${p}`, waitsFor: p };
    if (d.kind === "entry") return plans.get(p)!;
    if (d.kind === "member") {
      if (d.dirEntry)
        return plans.get(d.entry) ?? { kind: "pending", reason: `waits for its entry ${d.entry}`, waitsFor: d.entry };
      if (depth > 8) return { kind: "ignored", reason: `companion chain through ${p} is too deep` };
      return planOf(d.entry, depth + 1);
    }
    const via = d.kind === "pending" ? d.waitsFor : undefined;
    return { kind: d.kind, reason: `belongs to ${p}, which is ${d.kind}: ${d.reason}`, waitsFor: via };
  };
  const place = (f: CandidateFile, target: Target, label: string) => {
    if ("key" in target) target.files.push(f.path);
    else if (target.kind === "ignored") result.ignored.push({ path: f.path, reason: `${label} ${target.reason}` });
    else {
      result.pending.push({ path: f.path, reason: `${label} ${target.reason}` });
      if (target.waitsFor) waitsFor.set(f.path, target.waitsFor);
    }
  };

  // Folder entries (OME-Zarr) first, so that chains through them resolve.
  for (const f of sorted) {
    const d = decisions.get(f.path);
    if (d?.kind === "member" && d.dirEntry) {
      let plan = plans.get(d.entry);
      if (!plan) {
        plan = { key: d.entry, reader: d.reader, entry: d.entry, files: [], missing: [], reasons: [] };
        plans.set(d.entry, plan);
      }
      plan.files.push(f.path);
    }
  }
  for (const f of sorted) {
    const d = decisions.get(f.path);
    if (!d) continue;
    if (d.kind === "ignored") result.ignored.push({ path: f.path, reason: d.reason });
    else if (d.kind === "pending") {
      result.pending.push({ path: f.path, reason: d.reason });
      if (d.waitsFor) waitsFor.set(f.path, d.waitsFor);
    } else if (d.kind === "member" && !d.dirEntry) place(f, planOf(d.entry), baseOf(f.path));
  }
  for (const f of bfoptions) {
    place(f, planOf(f.path.slice(0, -".bfoptions".length)), `reader options file ${baseOf(f.path)}`);
  }

  for (const plan of plans.values()) {
    const [head, ...rest] = plan.files;
    plan.files = head === plan.entry ? [head, ...rest.sort()] : plan.files.sort();
    const present = new Set(plan.files);
    const seen = new Set<string>();
    const entryFile = byPath.get(plan.entry);
    const listing = listingFacts(ctx, plan, entryFile) ?? familyFacts(ctx, plan);
    const required = requiredFiles(plan, entryFile, ctx);
    if (listing) required.push(...listing.required);
    for (const req of required) {
      if (present.has(req.path) || byPath.has(req.path) || findPath(ctx, req.path) || seen.has(req.path)) continue;
      seen.add(req.path);
      plan.missing.push(req.path);
      plan.reasons.push(`missing ${req.why}`);
    }
    const facts = listing ? listing : planFacts(ctx, plan, entryFile);
    if (facts.expected !== undefined) plan.expected = facts.expected;
    if (facts.closed) plan.closed = true;
    if (facts.hold !== undefined) plan.hold = facts.hold;
    const layout = plan.hold === undefined ? layoutWithoutEntry(ctx, plan.entry) : null;
    if (layout) {
      plan.hold = layout.hold;
      delete plan.closed;
    }
    const shared = [...dvSharedLogs(ctx, plan), ...familyShared(ctx, plan)];
    if (shared.length > 0) plan.shared = shared;
    result.filesets.push(plan);
  }
  // Files a reader accepts without using them: OMERO's candidate scan may drop the fileset they open.
  const opens = new Map<string, FilesetPlan>();
  for (const [p, d] of decisions) {
    if (d.kind !== "ignored" || !d.opens) continue;
    const t = planOf(d.opens);
    if ("key" in t) opens.set(p, t);
  }
  dropPrunedFilesets(result, opens);
  if (opts.whitelist && normaliseWhitelist(opts.whitelist).length > 0)
    applyWhitelist(result, normaliseWhitelist(opts.whitelist), waitsFor);
  settleShared(result);
  result.filesets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  result.pending.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

/** Whitelist by entry name: unwanted filesets, and companions waiting for an unwanted entry, are ignored. */
function applyWhitelist(result: GroupingResult, wl: string[], waitsFor: Map<string, string>): void {
  const kept: FilesetPlan[] = [];
  for (const plan of result.filesets) {
    const entryName = baseOf(plan.entry);
    if (matchesWhitelist(entryName, wl)) {
      kept.push(plan);
      continue;
    }
    for (const p of plan.files)
      result.ignored.push({ path: p, reason: notWantedReason(entryName, wl, p !== plan.entry) });
  }
  result.filesets = kept;
  const pending: GroupingResult["pending"] = [];
  for (const p of result.pending) {
    const entryPath = waitsFor.get(p.path);
    if (entryPath === undefined || matchesWhitelist(baseOf(entryPath), wl)) pending.push(p);
    else result.ignored.push({ path: p.path, reason: notWantedReason(baseOf(entryPath), wl, true) });
  }
  result.pending = pending;
  result.ignored.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
