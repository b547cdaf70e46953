/**
 * OMERO's importer confirms each fileset before its import (issue 18, omero.fs.confirmFilesets,
 * on by default with the omero importer), end to end: the real MonitorServer and DropBox, the
 * omero importer and the fake OMERO CLI answering `omero import -f` from real Bio-Formats
 * (/work/shared/bioformats/group) when Java is here, and from its recorded answers
 * (test/fixtures/fake-omero.d/confirm-layout.json) always, so CI without Java runs it too.
 *
 * Re-record (Java 17 and the group tool needed): OMERO_FS_RECORD_GROUPS=1 npx jest test/importers/confirm.test.ts
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  dropboxLog,
  dropboxLogShows,
  files,
  type Home,
  imports,
  makeHome,
  type Proc,
  startDropBox,
  startMonitor,
  stop,
  sync,
  tiff,
  waitImported,
} from "../dropbox/harness";
import { dv } from "../../packages/readers/src/__golden__/make/dv";
import { metamorphNd, writeLayout } from "../fixtures/layouts";
import { REPO_ROOT } from "../helpers/wait";
import { type FakeOmero, fakeOmero } from "./fake-omero";
import { FAKE_OMERO } from "./helpers";

const GROUP = process.env.OMERO_FS_BIOFORMATS_GROUP ?? "/work/shared/bioformats/group";
const RECORDED = path.join(REPO_ROOT, "test", "fixtures", "fake-omero.d", "confirm-layout.json");
const hasJava = spawnSync("java", ["-version"]).status === 0 && fs.existsSync(GROUP);

/**
 * A user's folder with what the readers and Bio-Formats see alike (a plain TIFF, a MetaMorph set
 * beside an overview TIFF, a results table neither takes), and what they see differently: a
 * DeltaVision file whose header contradicts itself (3 sections for 2 time points of 1 channel):
 * its name and magic number make it a DeltaVision image to the readers, Bio-Formats' setId refuses
 * it ("ZCT size vs image count mismatch"), so OMERO would fail to import it.
 */
async function writeMixedLayout(userDir: string): Promise<string[]> {
  fs.mkdirSync(userDir, { recursive: true });
  const written = await writeLayout(metamorphNd(), path.join(userDir, "nd"));
  const extra: [string, Buffer | string][] = [
    ["nd/overview.TIF", tiff(8, 8)],
    ["single.tif", tiff(4, 4)],
    ["Results.csv", " \tArea\tMean\n1\t12\t3.4\n2\t10\t2.2\n"],
    ["contradicts.dv", contradictoryDv()],
  ];
  for (const [rel, content] of extra) {
    fs.writeFileSync(path.join(userDir, rel), content);
    written.push(path.join(userDir, rel));
  }
  return written;
}

/** A whole DeltaVision file of 3 sections whose header says 2 time points x 1 wavelength. */
function contradictoryDv(): Buffer {
  const b = dv({ planes: 3 });
  b.writeUInt16LE(2, 180);
  return b;
}

interface Group {
  entry: string;
  reader: string;
  files: string[];
}

/** Real Bio-Formats on each file alone, relative to `root` (what the fake answers without Java). */
function record(root: string, paths: string[]): Record<string, Group[]> {
  const out: Record<string, Group[]> = {};
  for (const p of paths) {
    const r = spawnSync(GROUP, [p], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`group ${p}: ${r.stderr}`);
    out[path.relative(root, p)] = r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Partial<Group>)
      .filter((g): g is Group => typeof g.entry === "string")
      .map((g) => ({
        entry: path.relative(root, g.entry),
        reader: g.reader,
        files: g.files.map((f) => path.relative(root, f)),
      }));
  }
  return out;
}

const modes: ["real Bio-Formats" | "recorded answers", boolean][] = [
  ["real Bio-Formats", hasJava],
  ["recorded answers", true],
];

describe.each(modes)("confirmFilesets with %s", (mode, available) => {
  let h: Home;
  let fake: FakeOmero;
  let monitor: Proc | null = null;
  let dropbox: Proc | null = null;
  afterEach(async () => {
    await stop(dropbox);
    await stop(monitor);
    dropbox = monitor = null;
    h?.cleanup();
  });

  (available ? it : it.skip)(
    "the ledger follows OMERO's import -f: what it makes no fileset of is not imported",
    async () => {
      const pw = "secret";
      h = makeHome({
        "omero.fs.importer": "omero",
        "omero.fs.omeroBin": FAKE_OMERO,
        "omero.fs.omeroServer": "omero.test",
        "omero.fs.importRetries": "0",
      });
      const pwFile = path.join(h.root, "pw");
      fs.writeFileSync(pwFile, `${pw}\n`, { mode: 0o600 });
      const cfg = path.join(h.home, "etc", "config.json");
      fs.writeFileSync(
        cfg,
        JSON.stringify({ ...JSON.parse(fs.readFileSync(cfg, "utf8")), "omero.fs.omeroPasswordFile": pwFile }),
      );
      const answer =
        mode === "real Bio-Formats"
          ? { FAKE_OMERO_GROUP: GROUP }
          : { FAKE_OMERO_GROUP_RECORDED: RECORDED, FAKE_OMERO_GROUP_ROOT: h.dropbox };
      fake = fakeOmero(h.root, { FAKE_OMERO_ADMIN_PASSWORD: pw, ...answer });
      monitor = await startMonitor(h.home);
      dropbox = await startDropBox(h.home, fake.env);
      const written = await writeMixedLayout(path.join(h.dropbox, "amy", "exp"));
      if (mode === "real Bio-Formats" && process.env.OMERO_FS_RECORD_GROUPS === "1")
        fs.writeFileSync(RECORDED, `${JSON.stringify(record(h.dropbox, written), null, 2)}\n`);
      // What OMERO's importer makes of these files (the answer the fake gives): one group per fileset.
      const groups: Record<string, Group[]> =
        mode === "real Bio-Formats" ? record(h.dropbox, written) : JSON.parse(fs.readFileSync(RECORDED, "utf8"));
      const byKey = new Map<string, string[]>();
      for (const g of Object.values(groups).flat()) {
        const files = g.files.map((f) => path.join(h.dropbox, f)).sort();
        byKey.set(files.join("\0"), files);
      }
      const expected = [...byKey.values()].sort();
      await sync(h.home);
      await waitImported(h, expected.length, 60_000);
      // Nothing else: wait until no fileset waits or is queued, then look at the ledger.
      await sync(h.home);
      const settled = await (async () => {
        for (let i = 0; i < 200; i++) {
          const all = imports(h);
          if (all.every((f) => f.state === "imported")) return all;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(
          `filesets left: ${JSON.stringify(imports(h).filter((f) => f.state !== "imported"))}\n${dropboxLog(h)}`,
        );
      })();
      // Every import is one of OMERO's filesets, exactly, and each of them is imported.
      expect(settled.map((i) => [...i.files].sort()).sort()).toEqual(expected);
      // The results table: a fileset to neither; not imported.
      const results = path.join(h.dropbox, "amy", "exp", "Results.csv");
      expect(files(h).find((f) => f.path === results)?.state).toBe("ignored");
      // The self-contradicting DeltaVision file: a fileset to the readers, none to OMERO's importer:
      // not imported, ignored with why, the difference logged once with both answers.
      const bad = path.join(h.dropbox, "amy", "exp", "contradicts.dv");
      expect(files(h).find((f) => f.path === bad)).toMatchObject({
        state: "ignored",
        reason: "OMERO's importer makes no fileset of it (omero import -f names none)",
      });
      const contradiction = /OMERO's importer makes no fileset of \S*contradicts\.dv/g;
      await dropboxLogShows(h, contradiction);
      expect(dropboxLog(h).match(contradiction)).toHaveLength(1);
      // The fake ran import -f (one JVM per folder batch) and imported only what it grouped.
      expect(fake.calls().some((c) => c.cmd === "import -f")).toBe(true);
      expect(
        fake
          .imports()
          .map((r) => [...r.files].sort())
          .sort(),
      ).toEqual(expected);
    },
    120_000,
  );
});
