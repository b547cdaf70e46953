/** The probed head of a candidate as text, and whether it holds the whole file. Pure. */
import type { CandidateFile } from "./types";

/** The head as text (latin1, as Bio-Formats' DataTools.readFile reads ASCII index files), at most `max` bytes. */
export function headText(f: CandidateFile | undefined, max?: number): string | undefined {
  const h = f?.probe?.head;
  if (!h) return undefined;
  return h.toString("latin1", 0, max === undefined ? h.length : Math.min(max, h.length));
}

export function headUtf8(f: CandidateFile | undefined): string | undefined {
  return f?.probe?.head?.toString("utf8");
}

/** The probe holds the whole file, so lists parsed from it are complete. */
export function wholeFileRead(f: CandidateFile | undefined): boolean {
  return !!f?.probe?.head && f.probe.head.length >= f.size;
}
