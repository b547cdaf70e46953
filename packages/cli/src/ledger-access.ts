import * as fs from "node:fs";
import { FILE_STATES, IMPORT_STATES } from "@omero-fs/protocol";
// Types only: the ledger module (SQLite) is required when a command runs.
import type { LedgerView } from "@omero-fs/dropbox";
import { homePaths } from "@omero-fs/config/dist/home";
import { CliError } from "./errors";

/** Validate `--state` against a list of states, with the valid ones in the message. */
export function checkState(kind: "import" | "file", state: string | undefined): string | undefined {
  if (state === undefined) return undefined;
  const valid: readonly string[] = kind === "import" ? IMPORT_STATES : FILE_STATES;
  if (!valid.includes(state)) throw new CliError(`unknown ${kind} state "${state}"; valid states: ${valid.join(", ")}`);
  return state;
}

/** Open the ledger read-only; a home where no DropBox ran gives one clear line. */
export function openView(home: string): LedgerView {
  const ledger = homePaths(home).ledger;
  if (!fs.existsSync(ledger)) {
    throw new CliError(
      `no DropBox has run in ${home} yet (no ledger at ${ledger}); start it with: omero-fs admin start`,
    );
  }
  // The ledger module alone: the package index also loads the readers' catalogue, the importers and
  // the server (about 100 ms that a listing does not need).
  const { openLedgerView } = require("@omero-fs/dropbox/dist/ledger") as typeof import("@omero-fs/dropbox");
  try {
    return openLedgerView(ledger);
  } catch (e) {
    throw new CliError((e as Error).message.split("\n")[0]);
  }
}

/** Lists up to this long are validated element by element before printing. */
const VALIDATE_ALL_UP_TO = 10_000;
/** Longer lists: this many elements, evenly spaced, first and last included. */
const VALIDATE_SAMPLE = 2_000;

/**
 * Validate a list against its --json contract (a zod element schema) before printing, failing
 * loudly if the ledger's shape drifted. Every element of a list up to 10,000; an evenly spaced
 * sample of 2,000 of a longer one: zod takes about 3 µs an element, 0.3 s for 100,000, a third of
 * the one-second budget of `imports list`, and a drift of the shape shows in any sample.
 */
export function checkContract<T>(
  what: string,
  items: T[],
  schema: { safeParse(v: unknown): { success: boolean; error?: { message: string } } },
): T[] {
  const n = items.length;
  const step = n <= VALIDATE_ALL_UP_TO ? 1 : (n - 1) / (VALIDATE_SAMPLE - 1);
  const count = n <= VALIDATE_ALL_UP_TO ? n : VALIDATE_SAMPLE;
  for (let k = 0; k < count; k++) {
    const item = items[Math.round(k * step)];
    const r = schema.safeParse(item);
    if (!r.success)
      throw new CliError(`internal error: ${what} does not match the --json contract: ${r.error?.message}`);
  }
  return items;
}
