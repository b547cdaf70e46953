import * as fs from "node:fs";
import * as path from "node:path";
import { homeImports, homeStatus } from "../helpers/home";
import { waitFor } from "../helpers/wait";
import { jsonOf, logShows, makeHome, readLog, type TestHome } from "./harness";

/** `omero-fs admin reload` and SIGHUP (issue 12), with the real node, servers and local importer. */

jest.setTimeout(150_000);

let home: TestHome;
afterEach(() => home?.cleanup());

const BASE = {
  "omero.fs.dirImportWait": "3600",
  "omero.fs.throttleImport": "0",
  "omero.fs.importer": "local",
  "omero.fs.httpAddress": "off",
};
const writeConfig = (h: TestHome, c: Record<string, string>) =>
  fs.writeFileSync(path.join(h.dir, "etc", "config.json"), JSON.stringify(c, null, 2));

// Read in-process (test/helpers/home.ts): what `admin status --json` and `imports list` report.
async function pids(h: TestHome): Promise<Record<string, number | null>> {
  const s = await homeStatus(h.dir);
  return Object.fromEntries([["node", s.node.pid], ...s.servers.map((x) => [x.name, x.pid])]);
}

const importedCount = (h: TestHome): number => homeImports(h.dir, { state: "imported" }).length;

async function dropAndExpectImport(h: TestHome, name: string): Promise<void> {
  const dir = path.join(h.dir, "data", "DropBox", "amy");
  fs.mkdirSync(dir, { recursive: true });
  const before = importedCount(h);
  fs.writeFileSync(path.join(dir, name), "x");
  await waitFor(() => importedCount(h) > before, `${name} imported after the new wait`, { timeoutMs: 60_000 });
}

test("admin reload: dirImportWait applies live without changing pids; a restart-only change is reported; a bad config is refused", async () => {
  home = makeHome({ config: BASE });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const before = await pids(home);

  // Needs a restart: said so, not applied.
  writeConfig(home, { ...BASE, "omero.fs.dirImportWait": "0.5", "omero.fs.importer": "omero" });
  const r = await home.cli(["admin", "reload", "--json"]);
  expect(r.code).toBe(0);
  const j = jsonOf(r) as { changed: string[]; applied: string[]; restart: string[] };
  expect(j.applied).toEqual(["omero.fs.dirImportWait"]);
  expect(j.restart).toContain("omero.fs.importer");
  expect(j.changed.sort()).toEqual([...j.applied, ...j.restart].sort());
  await dropAndExpectImport(home, "a.fake");
  expect(await pids(home)).toEqual(before);
  await logShows(home.dir, "DropBox", "reload: applied omero.fs.dirImportWait");

  // A bad config: refused, exit 1, nothing changes; each problem is printed (not their count).
  writeConfig(home, { ...BASE, "omero.fs.dirImportWait": "soon", "omero.fs.throttleImport": "-1" });
  const bad = await home.cli(["admin", "reload"]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(
    /^omero-fs: configuration not reloaded, nothing changed:\n {2}omero\.fs\.dirImportWait .*"soon" is not a number.*\n {2}omero\.fs\.throttleImport .*-1 is out of range/,
  );
  const badJson = await home.cli(["admin", "reload", "--json"]);
  expect(badJson.code).toBe(1);
  expect((jsonOf(badJson) as { problems: string[] }).problems).toHaveLength(2);
  await dropAndExpectImport(home, "b.fake");
  expect(await pids(home)).toEqual(before);
});

test("SIGHUP to the node reloads like admin reload", async () => {
  home = makeHome({ config: BASE });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const before = await pids(home);
  writeConfig(home, { ...BASE, "omero.fs.dirImportWait": "0.5" });
  process.kill(before.node!, "SIGHUP");
  await waitFor(
    () => (readLog(home.dir, "DropBox").includes("reload: applied omero.fs.dirImportWait") ? true : null),
    "the DropBox to log the reload",
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  await dropAndExpectImport(home, "c.fake");
  expect(await pids(home)).toEqual(before);
});
