import * as fs from "node:fs";
import { FILE_STATES, IMPORT_STATES } from "@omero-fs/protocol";
// Types only: the ledger module (SQLite) is required when a command runs.
import type { LedgerView } from "@omero-fs/dropbox/ledger";
import { homePaths } from "@omero-fs/config/home";
import { CliError, UsageError } from "./errors";

/** Validate `--state` against a list of states, with the valid ones in the message. */
export function checkState(kind: "import" | "file", state: string | undefined): string | undefined {
  if (state === undefined) return undefined;
  const valid: readonly string[] = kind === "import" ? IMPORT_STATES : FILE_STATES;
  if (!valid.includes(state))
    throw new UsageError(`unknown ${kind} state "${state}"; valid states: ${valid.join(", ")}`);
  return state;
}

/** Whether a DropBox ever ran in this home (its ledger exists). Lists of a home without one are empty. */
export function ledgerExists(home: string): boolean {
  return fs.existsSync(homePaths(home).ledger);
}

/** Open the ledger read-only; a home where no DropBox ran gives one clear line. */
export function openView(home: string): LedgerView {
  const ledger = homePaths(home).ledger;
  if (!fs.existsSync(ledger)) {
    throw new CliError(
      `no DropBox has run in ${home} yet (no ledger at ${ledger}); start it with: omero-fs admin start`,
    );
  }
  // The ledger's read-only view alone: the package index also loads the readers' catalogue, the
  // importers and the server (about 100 ms that a listing does not need).
  const { openLedgerView } = require("@omero-fs/dropbox/ledger") as typeof import("@omero-fs/dropbox/ledger");
  try {
    return openLedgerView(ledger);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const damaged = code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT";
    throw new CliError(
      damaged
        ? `the ledger ${ledger} is damaged (${(e as Error).message}); see omero-fs dropbox check-ledger`
        : (e as Error).message.split("\n")[0],
    );
  }
}

/** Lists up to this long are validated element by element before printing. */
const VALIDATE_ALL_UP_TO = 10_000;
/** Longer lists: this many elements, evenly spaced, first and last included. */
const VALIDATE_SAMPLE = 2_000;

type ElementSchema = { safeParse(v: unknown): { success: boolean; error?: { message: string } } };

/**
 * The positions of a list of n elements that are validated against the --json contract: every one
 * up to 10,000; an evenly spaced sample of 2,000 of a longer list, first and last included. zod
 * takes about 3 µs an element, 0.3 s for 100,000, a third of the one-second budget of `imports
 * list`, and a drift of the shape shows in any sample. (The tests validate every element.)
 */
export function* samplePositions(n: number): Generator<number> {
  const all = n <= VALIDATE_ALL_UP_TO;
  const count = all ? n : VALIDATE_SAMPLE;
  const step = all ? 1 : (n - 1) / (VALIDATE_SAMPLE - 1);
  for (let k = 0; k < count; k++) yield Math.round(k * step);
}

function check(what: string, item: unknown, schema: ElementSchema): void {
  const r = schema.safeParse(item);
  if (!r.success) throw new CliError(`internal error: ${what} does not match the --json contract: ${r.error?.message}`);
}

/** Validate a list against its --json contract (a zod element schema) before printing. */
export function checkContract<T>(what: string, items: T[], schema: ElementSchema): T[] {
  for (const k of samplePositions(items.length)) check(what, items[k], schema);
  return items;
}

/**
 * A --json list as the text JSON.stringify gives for the array, in parts, from the JSON text of each
 * element (the ledger view writes it): "[", the elements separated by ",", "]\n". The sampled
 * elements (samplePositions of `n`, the length of the list) are parsed and validated on the way; a
 * mismatch throws before anything is printed when it is in the first chunk of output (about 1,700
 * imports), as a shape drift always is.
 */
export function* jsonArray(
  what: string,
  elements: Iterable<string>,
  n: number,
  schema: ElementSchema,
): Generator<string> {
  const positions = samplePositions(n);
  let next = positions.next();
  let i = 0;
  yield "[";
  for (const e of elements) {
    if (!next.done && next.value === i) {
      check(what, JSON.parse(e), schema);
      next = positions.next();
    }
    yield i === 0 ? e : `,${e}`;
    i++;
  }
  yield "]\n";
}

/**
 * How many files the ledger records as `existing` (there at a watch's first walk, not imported;
 * omero.fs.existingFiles): for `admin start` and `admin status`. null when there is no ledger or
 * it cannot be read (a damaged one is reported as the DropBox's failure).
 */
export function existingCount(home: string): number | null {
  const ledger = homePaths(home).ledger;
  // No ledger yet: not worth loading SQLite for.
  if (!fs.existsSync(ledger)) return null;
  const { existingInLedger } = require("@omero-fs/dropbox/ledger") as typeof import("@omero-fs/dropbox/ledger");
  return existingInLedger(ledger);
}

/** The line `admin start` and `admin status` print when files were skipped at a first walk. */
export function existingLine(n: number): string {
  return `${n.toLocaleString("en-US")} file${n === 1 ? " was" : "s were"} already in the DropBox at the first walk and ${n === 1 ? "was" : "were"} not imported (omero.fs.existingFiles=skip); import them with: omero-fs dropbox import-existing [PATH]`;
}

/**
 * A ledger that is not an SQLite database at all (overwritten, random bytes): its first 16 bytes
 * are not SQLite's header. For `admin status` when no node runs (the DropBox would refuse it).
 * An empty file is a new, empty database to SQLite: not damaged.
 */
export function ledgerHeaderDamaged(home: string): string | null {
  const ledger = homePaths(home).ledger;
  let fd: number | null = null;
  try {
    fd = fs.openSync(ledger, "r");
    const buf = Buffer.alloc(16);
    const n = fs.readSync(fd, buf, 0, 16, 0);
    if (n === 0 || buf.toString("latin1") === "SQLite format 3\u0000") return null;
    return `the ledger ${ledger} is damaged (file is not a database); the DropBox does not run on it: see omero-fs dropbox check-ledger`;
  } catch {
    return null;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
