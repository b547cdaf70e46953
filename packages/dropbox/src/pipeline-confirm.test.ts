/**
 * OMERO's importer confirms each fileset before its import (issue 18, omero.fs.confirmFilesets):
 * the ledger follows `omero import -f`'s answer. The answers here are scripted (OMERO's importer
 * cannot run in a unit test; test/importers/confirm.test.ts runs the real Bio-Formats).
 */
import * as path from "node:path";
import { NO_READER_REASON } from "./core/omero-pins";
import type { UsedFilesGroup } from "./importers/omero-output";
import { notesOf } from "./ledger/omero";
import { Pipeline } from "./__fixtures__/pipeline";

const group = (files: string[], reader = "loci.formats.in.R"): UsedFilesGroup => ({ group: files[0]!, reader, files });

describe("OMERO's importer confirms each fileset (in-process, scripted import -f)", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });
  const rel = (f: string) => path.relative(p.dir, f);
  const imported = () =>
    (p.ledger.db.prepare("SELECT id FROM filesets WHERE state = 'imported' ORDER BY id").all() as { id: number }[]).map(
      (r) => p.ledger.filesets.memberPaths(r.id).map(rel),
    );

  it("agrees: one import -f for the folder's filesets, then each is imported as grouped", async () => {
    p = new Pipeline({ quietMs: 1000, usedFiles: (paths) => paths.map((f) => group([f])) });
    for (const n of ["a", "b", "c"]) await p.drop(`amy/f/${n}.dv`);
    await p.advance(2000);
    expect(p.confirms.map((c) => c.map(rel))).toEqual([["amy/f/a.dv", "amy/f/b.dv", "amy/f/c.dv"]]);
    expect(imported()).toEqual([["amy/f/a.dv"], ["amy/f/b.dv"], ["amy/f/c.dv"]]);
    expect(p.lines.some((l) => l.includes("OMERO's importer"))).toBe(false);
  });

  it("files it adds join; a member it leaves out and makes nothing of is ignored; the difference is noted once", async () => {
    p = new Pipeline({
      quietMs: 1000,
      usedFiles: (paths) => {
        const a = paths.find((f) => f.endsWith("/a.dv"));
        const extra = paths.find((f) => f.endsWith("/extra.dv"));
        return a && extra ? [group([a, extra], "loci.formats.in.DeltavisionReader")] : [];
      },
    });
    await p.drop("amy/g/a.dv");
    await p.drop("amy/g/a.dv.log", "log");
    await p.drop("amy/g/extra.dv");
    await p.advance(2000);
    await p.advance(2000);
    expect(p.confirms).toHaveLength(1);
    expect(imported()).toEqual([["amy/g/a.dv", "amy/g/extra.dv"]]);
    expect(p.ledger.files.byPath(path.join(p.dir, "amy/g/a.dv.log"))).toMatchObject({
      state: "ignored",
      reason: NO_READER_REASON,
    });
    const id = p.starts[0]!.id;
    const notes = notesOf(p.ledger.db, id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toMatch(/^OMERO's importer \(omero import -f\) makes a fileset of 2 file\(s\) of .*a\.dv/);
    expect(p.lines.filter((l) => l.startsWith(`warn [fileset ${id}] OMERO's importer`))).toHaveLength(1);
  });

  it("a split is imported as OMERO says; an entry it makes nothing of is not imported", async () => {
    p = new Pipeline({
      quietMs: 1000,
      usedFiles: (paths) =>
        paths
          .filter((f) => !f.endsWith("x.dv"))
          .map((f) => group([f], f.endsWith(".log") ? "loci.formats.in.TextReader" : "R")),
    });
    await p.drop("amy/s/a.dv");
    await p.drop("amy/s/a.dv.log", "log");
    await p.drop("amy/n/x.dv");
    await p.advance(2000);
    await p.advance(2000);
    expect(imported().sort()).toEqual([["amy/s/a.dv"], ["amy/s/a.dv.log"]]);
    // The readers had made one fileset of the two: OMERO's answer split it.
    const a = p.starts.find((s) => s.entry.endsWith("/a.dv"))!;
    expect(notesOf(p.ledger.db, a.id)[0]!.text).toMatch(
      /omero-fs grouped 2: .*makes 1 more fileset\(s\) of them: .*a\.dv\.log \(1 file\(s\)\)$/,
    );
    expect(p.ledger.files.byPath(path.join(p.dir, "amy/n/x.dv"))).toMatchObject({
      state: "ignored",
      reason: NO_READER_REASON,
    });
  });
});
