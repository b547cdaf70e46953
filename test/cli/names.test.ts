import * as fs from "node:fs";
import * as path from "node:path";
import { homeFiles } from "../helpers/home";
import { waitFor } from "../helpers/wait";
import { jsonOf, logShows, makeHome, readLog, type TestHome } from "./harness";

/**
 * Names that are not valid UTF-8 (issue 11), with the real node, MonitorServer and DropBox: never
 * skipped in silence. `files list` shows each as refused, "name is not valid UTF-8; rename it",
 * with its bytes escaped (`\xff`), in the table, in --json (the ledger's reversible text, see
 * encodeBadName) and in the log; found by the first walk and live, and gone once renamed.
 */

jest.setTimeout(120_000);

const QUICK = {
  "omero.fs.dirImportWait": "0.5",
  "omero.fs.settleTime": "0.5",
  "omero.fs.throttleImport": "0",
  "omero.fs.importer": "local",
};
const BAD = "name is not valid UTF-8; rename it";

let home: TestHome;
afterEach(() => home?.cleanup());

interface Row {
  path: string;
  state: string;
  reason: string | null;
  user: string;
}

/** A path as bytes: dir (text) + "/" + raw name bytes. */
const bytesPath = (dir: string, name: number[]) => Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(name)]);

test("non-UTF-8 names: refused with the reason and \\xNN escapes in files list, --json, files show and the log; found at start and live; a rename imports it", async () => {
  home = makeHome({ config: QUICK });
  const dir = path.join(home.dir, "data", "DropBox", "amy");
  fs.mkdirSync(dir, { recursive: true });
  // Before the start: found by the first walk. "a<ff>.tif" and a folder "d<fe>" with a file in it.
  fs.writeFileSync(bytesPath(dir, [0x61, 0xff, 0x2e, 0x74, 0x69, 0x66]), "x");
  fs.mkdirSync(bytesPath(dir, [0x64, 0xfe]));
  fs.writeFileSync(Buffer.concat([bytesPath(dir, [0x64, 0xfe]), Buffer.from("/in.tif")]), "x");
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  fs.writeFileSync(path.join(dir, "good.fake"), "x");

  // `files list --json` through the CLI; waits read the same rows in-process (test/helpers/home.ts).
  const list = async () => jsonOf(await home.cli(["files", "list", "--json"])) as Row[];
  const rowOf = async (p: string) => (await list()).find((r) => r.path === p);
  const rowIn = (p: string) => (homeFiles(home.dir) as Row[]).find((r) => r.path === p);
  await waitFor(() => rowIn(`${dir}/a\\xff.tif`), "a\\xff.tif listed", { timeoutMs: 30_000 });
  expect(await rowOf(`${dir}/a\\xff.tif`)).toMatchObject({ state: "refused", reason: BAD, user: "amy" });
  expect(await rowOf(`${dir}/d\\xfe`)).toMatchObject({
    state: "refused",
    reason: `${BAD} (a folder: nothing in it is looked at until then)`,
  });

  // Live, with no scan: a new one (a literal backslash beside a real bad byte stays unambiguous).
  fs.writeFileSync(bytesPath(dir, [0x5c, 0x62, 0xe9, 0x2e, 0x74, 0x69, 0x66]), "xy");
  await waitFor(() => rowIn(`${dir}/\\\\b\\xe9.tif`), "the live one listed", { timeoutMs: 30_000 });

  // The table shows the same text; nothing raw reaches the terminal; one row per file.
  const table = await home.cli(["files", "list"]);
  expect(table.code).toBe(0);
  expect(table.stdout).toContain(`${dir}/a\\xff.tif`);
  expect(table.stdout).toContain(`${dir}/\\\\b\\xe9.tif`);
  expect(table.stdout).toMatch(/refused .*a\\xff\.tif\s+name is not valid UTF-8; rename it/);
  expect(table.stdout).not.toContain("\uFFFD");
  const show = await home.cli(["files", "show", `amy/a\\xff.tif`, "--json"]);
  expect(show.code).toBe(0);
  expect(jsonOf(show)).toMatchObject({ path: `${dir}/a\\xff.tif`, state: "refused", reason: BAD });
  await logShows(home.dir, "DropBox", `refused ${dir}/a\\xff.tif: ${BAD}`);
  expect(readLog(home.dir, "DropBox")).not.toContain("\uFFFD");

  // Renamed to a valid name: imported, and the refused row is gone (live, no scan).
  fs.renameSync(bytesPath(dir, [0x61, 0xff, 0x2e, 0x74, 0x69, 0x66]), path.join(dir, "a.fake"));
  await waitFor(
    () => {
      const rows = homeFiles(home.dir);
      return rows.some((r) => r.path === `${dir}/a.fake` && r.state === "imported") &&
        !rows.some((r) => r.path === `${dir}/a\\xff.tif`)
        ? rows
        : null;
    },
    "a.fake imported and the refused row gone",
    { timeoutMs: 30_000 },
  ).catch(async (e: Error) => {
    throw new Error(
      `${e.message}\n${JSON.stringify(await list(), null, 1)}\n${readLog(home.dir, "DropBox")}\n${readLog(home.dir, "MonitorServer")}`,
    );
  });
  // Nothing else was skipped: the good file is imported.
  await waitFor(() => rowIn(path.join(dir, "good.fake"))?.state === "imported", "good.fake imported");

  // files show (text) escapes too: a newline in a name forges no line, no ESC reaches the terminal.
  const hostile = path.join(dir, "evil\n  state:    imported\x1b[2J.fake");
  fs.writeFileSync(hostile, "x");
  await waitFor(() => rowIn(hostile)?.state === "imported", "the hostile name imported", { timeoutMs: 30_000 });
  const text = await home.cli(["files", "show", hostile]);
  expect(text.code).toBe(0);
  expect(text.stdout.split("\n")[0]).toBe(`${dir}/evil\\n  state:    imported\\x1b[2J.fake`);
  expect(text.stdout.match(/^ {2}state:/gm)).toHaveLength(1);
  const control = [...text.stdout].map((c) => c.codePointAt(0)!).filter((c) => (c < 0x20 && c !== 0x0a) || c === 0x7f);
  expect(control).toEqual([]);
  expect(text.stdout).toContain(`entry ${dir}/evil\\n`);
  await home.cli(["admin", "stop"]);
});
