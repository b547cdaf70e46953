/**
 * `omero-fs files plan DIR`: the filesets the DropBox would make of a tree, and whether each would be
 * queued now, without importing anything and without a running DropBox (OMERO's `omero import -f`).
 * The same code as the DropBox's steps: the reconciliation walk (walk.ts, the watch's filters), the
 * grouping partitions (core/paths.ts groupingPartition), the content probes (grouping.ts
 * probeCandidates), @omero-fs/readers' groupFilesets with the watch's catalogue and whitelist, the
 * plan facts (core/filesets.ts planFacts), the open-for-write and structure checks
 * (queueing.ts observeFinished, open-files.ts) and readinessOf (core/readiness.ts). File facts come
 * from the disk: a member's last event is its mtime (the DropBox would have seen it then).
 */
import type { WatchConfig } from "@omero-fs/config";
import type { FilesetPlanJson, PlateJson } from "@omero-fs/protocol";
import { allMembers, type Catalogue, type CandidateFile, groupFilesets, needsHeader } from "@omero-fs/readers";
import { planFacts } from "./core/filesets";
import { groupingPartition } from "./core/paths";
import { type FilesetFacts, type MemberObservation, readinessOf } from "./core/readiness";
import type { WalkedFile } from "./core/reconcile";
import { probeCandidates } from "./grouping";
import { openForWrite } from "./open-files";
import type { WatchOptions } from "./options";
import { PROBE_CACHE_BYTES, PROBE_CACHE_ENTRIES, ProbeCache } from "./probe-cache";
import { markerCovers, observeFinished } from "./queueing";
import { StructureCache } from "./structure-cache";
import { walkWatchDirs } from "./walk";

/** What `files plan` needs besides the plan: the watches' options, resolved as the DropBox resolves them. */
export { resolveOptions, type WatchOptions } from "./options";

export interface TreePlan {
  filesets: FilesetPlanJson[];
  /** Files in no fileset: a companion waiting for its entry, a plate image before its index. */
  pending: { path: string; reason: string }[];
  /** Files no reader takes (or the watch's readers/whitelist exclude), with why. */
  ignored: { path: string; reason: string }[];
  /** Folders the walk could not read. */
  unreadable: string[];
}

/**
 * Plan `dir` as the DropBox would if it were a user's folder of `watch` (its filters, catalogue,
 * whitelist and readiness properties). `now` in ms.
 */
export async function planTree(dir: string, watch: WatchOptions, catalogue: Catalogue, now: number): Promise<TreePlan> {
  const parts = new Map<string, WalkedFile[]>();
  const config: WatchConfig = { ...watch.config, watchDir: dir };
  const walked = await walkWatchDirs(config, async (_d, files) => {
    for (const f of files) {
      const part = groupingPartition(dir, f.path);
      const list = parts.get(part);
      if (list) list.push(f);
      else parts.set(part, [f]);
    }
  });
  const out: TreePlan = { filesets: [], pending: [], ignored: [], unreadable: walked.unreadableDirs };
  const probes = new ProbeCache(PROBE_CACHE_ENTRIES, PROBE_CACHE_BYTES);
  const structures = new StructureCache();
  const markers = new Map<string, boolean>();
  for (const part of [...parts.keys()].sort()) {
    const files = parts.get(part)!;
    const byPath = new Map(files.map((f) => [f.path, f]));
    const input: CandidateFile[] = [];
    const toProbe: { c: CandidateFile; mtimeMs: number }[] = [];
    for (const f of files) {
      const c: CandidateFile = { path: f.path, size: f.size };
      input.push(c);
      if (needsHeader(f.path, catalogue)) toProbe.push({ c, mtimeMs: f.mtimeMs });
    }
    await probeCandidates(toProbe, probes);
    const g = groupFilesets(input, catalogue, { whitelist: watch.whitelist });
    out.pending.push(...g.pending);
    out.ignored.push(...g.ignored);
    const writers = await openForWrite(new Set(g.filesets.flatMap((p) => p.files)));
    for (const plan of g.filesets) {
      const members: MemberObservation[] = allMembers(plan).map((p) => {
        const f = byPath.get(p)!;
        return { path: p, size: f.size, mtimeMs: f.mtimeMs, lastEventMs: f.mtimeMs };
      });
      const facts: FilesetFacts = { id: 0, missing: plan.missing, ...planFacts(plan) };
      if (plan.plate) facts.plate = plan.plate;
      facts.firstSeenMs = Math.min(...members.map((m) => m.mtimeMs));
      if (markerCovers(watch.completeMarker, members, markers)) facts.marker = true;
      const element: FilesetPlanJson = {
        entry: plan.entry,
        reader: plan.reader,
        files: allMembers(plan),
        ready: false,
        waitingFor: [],
      };
      if (plan.missing.length > 0) element.missing = plan.missing;
      if (plan.shared) element.shared = plan.shared;
      if (plan.plate) element.plate = plateOf(plan.plate, plan.reader);
      const observed = await observeFinished(structures, plan.entry, plan.reader, members, writers);
      const r = readinessOf(facts, observed, now, {
        quietMs: watch.quietMs,
        settleMs: watch.settleMs,
        importWhenComplete: watch.importWhenComplete,
        companionWaitMs: watch.companionWaitMs,
        incompleteWaitMs: watch.incompleteWaitMs,
      });
      element.ready = r.ready;
      if (!r.ready) element.waitingFor = [r.waitingFor.replace(/imports release 0$/, "imports release ID")];
      if (r.incomplete) element.incomplete = true;
      out.filesets.push(element);
    }
  }
  out.filesets.sort((a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));
  return out;
}

function plateOf(p: Omit<PlateJson, "reader" | "missingImages">, reader: string): PlateJson {
  return { ...p, reader, missingImages: Math.max(0, p.expectedImages - p.presentImages) };
}
