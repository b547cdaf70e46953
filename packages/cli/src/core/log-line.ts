/**
 * Our log lines (`<ISO time> <LEVEL> [<Component>] <message>`, config's formatLine) as JSON: for
 * `logs --json` and the journal's JSON lines. Pure.
 */
import type { LogLineJson } from "@omero-fs/protocol";

const LINE = /^(\d{4}-\d\d-\d\dT\S+) +([A-Z]+) +\[([A-Za-z]+)\] ?(.*)$/;

/** One line as JSON; a line that is not ours (a crash trace) keeps its text with time and level null. */
export function logLineJson(line: string, component: string): LogLineJson {
  const m = LINE.exec(line);
  if (!m) return { time: null, level: null, component, message: line };
  return { time: m[1]!, level: m[2]!.toLowerCase(), component: m[3]!, message: m[4]! };
}
