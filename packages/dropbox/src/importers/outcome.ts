import type { ImageJson } from "@omero-fs/protocol";
import type { ServerProblem } from "./omero-output";
import type { ImportOutcome } from "./types";

export function succeeded(target: string | null, images: ImageJson[] | null = null): ImportOutcome {
  return { ok: true, retryable: false, target, images, error: null };
}

/** A failed run; `error` is forced onto one line (a reason from a file name may hold newlines). */
export function failed(error: string, retryable: boolean): ImportOutcome {
  return { ok: false, retryable, target: null, images: null, error: oneLine(error) };
}

export function oneLine(s: string): string {
  return s.replace(/\r?\n/g, "\\n");
}

/** The server, not the fileset, failed: the DropBox pauses; the run is not counted. */
export function serverDown(problem: ServerProblem): ImportOutcome {
  const what =
    problem.kind === "unreachable"
      ? "OMERO unreachable"
      : problem.kind === "login-refused"
        ? "OMERO login refused"
        : "OMERO server error";
  return {
    ...failed(`${what}: ${problem.reason}`, true),
    serverProblem: { ...problem, reason: oneLine(problem.reason) },
  };
}
