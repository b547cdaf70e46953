/**
 * Completeness is proven or it is not (issue 19), with real processes and real copy tools: an ND2
 * appended in sessions with pauses longer than settleTime and dirImportWait, an `rsync --partial`
 * interrupted half way, an empty .nd2 and an interrupted cp are never imported half; each is
 * imported once, whole, when the copy is finished. Waits are conditions: the DropBox has judged the
 * file as it is now (its reason names the current size), never a fixed sleep.
 * The rules: packages/dropbox/src/core/readiness.test.ts, packages/readers/src/complete/formats.test.ts.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeNd2 } from "../../packages/readers/src/complete/__fixtures__/make";
import { files, type Home, imports, makeHome, managedCopies, up, waitFor, write } from "./harness";

jest.setTimeout(90_000);

const hasRsync = spawnSync("rsync", ["--version"]).status === 0;
if (!hasRsync) console.warn("complete.test: rsync missing, its case is skipped (apt-get install -y rsync)");

let h: Home;
let down: () => Promise<void> = async () => undefined;
const u = (...p: string[]) => path.join(h.dropbox, "amy", ...p);
const of = (p: string) => imports(h).filter((i) => i.files.includes(p));

beforeAll(async () => {
  h = makeHome({
    "omero.fs.dirImportWait": "1",
    "omero.fs.settleTime": "0.3",
    "omero.fs.incompleteWait": "4",
  });
  ({ down } = await up(h));
});
afterAll(async () => {
  await down();
  h.cleanup();
});

/**
 * The DropBox has judged `p` at its current size and says why it waits, and at least `pauseMs` went
 * by since it was written (a pause longer than settleTime and dirImportWait).
 */
function judgedAtSize(p: string, pauseMs = 0) {
  const size = fs.statSync(p).size;
  const written = fs.statSync(p).mtimeMs;
  return waitFor(
    () =>
      Date.now() - written >= pauseMs &&
      of(p).find((i) => i.state === "waiting" && (i.waitingFor ?? "").includes(`has ${size} bytes`)),
    `${p} judged at ${size} bytes`,
    { timeoutMs: 20_000 },
  );
}

/** Imported once, and the imported copy is the whole file. */
async function importedWhole(p: string, whole: Buffer): Promise<void> {
  await waitFor(() => of(p).some((i) => i.state === "imported"), `${p} imported`, { timeoutMs: 20_000 });
  expect(of(p).filter((i) => i.state === "imported")).toHaveLength(1);
  expect(managedCopies(h).get(p)).toBe(1);
  expect(fs.readFileSync(p).equals(whole)).toBe(true);
}

it("an ND2 appended in sessions, pausing longer than settleTime and dirImportWait, is imported once, whole", async () => {
  const p = u("sessions", "s.nd2");
  const whole = makeNd2(30, 20_000);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  for (const end of [Math.floor(whole.length * 0.2), Math.floor(whole.length * 0.6)]) {
    // One session: open for appending, write up to `end`, close; then a pause the DropBox sits through.
    fs.appendFileSync(p, whole.subarray(fs.existsSync(p) ? fs.statSync(p).size : 0, end));
    const w = await judgedAtSize(p, 1500);
    expect(w.waitingFor).toMatch(/^s\.nd2: ND2 incomplete: no chunk map at its end/);
    expect(of(p).map((i) => i.state)).not.toContain("imported");
  }
  fs.appendFileSync(p, whole.subarray(fs.statSync(p).size));
  await importedWhole(p, whole);
});

(hasRsync ? it : it.skip)(
  "an interrupted rsync --partial leaves a cut ND2 that waits; the next rsync finishes it",
  async () => {
    const src = path.join(h.root, "src", "r.nd2");
    const whole = makeNd2(40, 50_000);
    write(src, whole);
    const dest = u("rsync");
    fs.mkdirSync(dest, { recursive: true });
    const p = path.join(dest, "r.nd2");
    // Slow enough to interrupt half way: rsync writes a hidden temp file, --partial keeps it as r.nd2.
    const slow: ChildProcess = spawn("rsync", ["--partial", "--bwlimit=300", src, `${dest}/`], { stdio: "ignore" });
    const exited = new Promise((r) => slow.on("exit", r));
    await waitFor(
      () => fs.readdirSync(dest).some((n) => n.startsWith(".r.nd2.") && fs.statSync(path.join(dest, n)).size > 200_000),
      "rsync half way",
      { timeoutMs: 20_000 },
    );
    slow.kill("SIGINT");
    await exited;
    // rsync's receiver renames what it had to r.nd2 as it exits (--partial).
    await waitFor(() => fs.existsSync(p), "the partial file kept as r.nd2", { timeoutMs: 10_000 });
    expect(fs.statSync(p).size).toBeLessThan(whole.length);
    const w = await judgedAtSize(p);
    expect(w.waitingFor).toMatch(/^r\.nd2: ND2 incomplete/);
    expect(of(p).map((i) => i.state)).not.toContain("imported");
    expect(spawnSync("rsync", ["--partial", src, `${dest}/`]).status).toBe(0);
    await importedWhole(p, whole);
  },
);

it("an empty .nd2 is never imported: ignored with the reason while empty; content makes it import", async () => {
  const p = write(u("empty", "e.nd2"), "");
  const f = await waitFor(() => files(h).find((x) => x.path === p && x.state === "ignored"), `${p} ignored`, {
    timeoutMs: 20_000,
  });
  expect(f.reason).toMatch(/^empty: e\.nd2 has 0 bytes/);
  expect(of(p)).toEqual([]);
  const whole = makeNd2(2, 100);
  fs.writeFileSync(p, whole);
  await importedWhole(p, whole);
});

it("an interrupted cp (a cut ND2 that stays cut) goes incomplete and says what is wrong", async () => {
  const p = u("cp", "c.nd2");
  const whole = makeNd2(10, 4000);
  write(p, whole.subarray(0, 17_000));
  const inc = await waitFor(() => of(p).find((i) => i.state === "incomplete"), `${p} incomplete`, {
    timeoutMs: 20_000,
  });
  expect(inc.waitingFor).toMatch(
    new RegExp(
      `^c\\.nd2: ND2 incomplete: no chunk map at its end .*; nothing changed for \\d+ s \\(omero\\.fs\\.incompleteWait\\): not imported half; copy it again, or import it as it is with omero-fs imports release ${inc.id}$`,
    ),
  );
  expect(files(h).find((f) => f.path === p)?.reason).toBe(inc.waitingFor);
  expect(managedCopies(h).get(p)).toBeUndefined();
});
