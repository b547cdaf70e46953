/** How OMERO's state (core/omero-health.ts) shows: the `status` answer's `omero` and the health problem. */
import type { OmeroStatus } from "@omero-fs/protocol";
import { describeDown, type OmeroHealth } from "./core/omero-health";
import type { HealthProblems } from "./health";

/** The `status` control method's `omero` (the contract shared with the status page): null unless the importer is omero. */
export function omeroStatus(importer: string, h: OmeroHealth): OmeroStatus | null {
  if (importer !== "omero") return null;
  return {
    up: h.up,
    since: h.since,
    reason: h.reason,
    checkedAt: h.checkedAt,
    kind: h.kind,
    nextProbeAt: h.nextProbeAt,
  };
}

/** A paused queue makes the DropBox `degraded` (admin status exits 2 with "OMERO unreachable since ..."). */
export function omeroHealthProblem(health: HealthProblems, h: OmeroHealth): void {
  const down = describeDown(h);
  if (down) health.set("omero", down);
  else health.clear("omero");
}
