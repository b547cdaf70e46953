/**
 * A file two Bio-Formats filesets use (issue 18, "Elsewhere"), end to end: real MonitorServer + DropBox,
 * local importer. A deconvolved cells_D3D.dv uses the raw image's cells.dv.log, which cells.dv uses too:
 * OMERO imports the log with both. The ledger keeps one owner per file and records the other membership:
 * readiness waits for the log in both, the local importer copies it into both, `imports show` and
 * `files show` show it in both.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { FileShowJson, ImportJson } from "@omero-fs/protocol";
import { dv } from "../../packages/readers/src/__golden__/make/dv";
import { CLI_BIN } from "../helpers/wait";
import { files, type Home, imports, makeHome, managedCopies, sync, up, waitImported, write } from "./harness";

jest.setTimeout(60_000);

describe("a file two filesets share (e2e)", () => {
  let h: Home;
  let down: () => Promise<void> = async () => undefined;
  const u = (...p: string[]) => path.join(h.dropbox, "amy", ...p);
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI_BIN, "--home", h.home, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`omero-fs ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    h = makeHome();
    ({ down } = await up(h));
  });
  afterAll(async () => {
    await down();
    h.cleanup();
  });

  it("cells.dv and cells_D3D.dv are imported, each with cells.dv.log; shown in both", async () => {
    const log = write(u("dv", "cells.dv.log"), "raw acquisition log\n");
    write(u("dv", "cells.dv"), dv());
    write(u("dv", "cells_D3D.dv"), dv());
    const txt = write(u("dv", "cells_D3D_log.txt"), "deconvolution log\n");
    await sync(h.home);
    const done = await waitImported(h, 2);
    const byEntry = new Map<string, ImportJson>(done.map((i) => [path.basename(i.entry), i]));
    expect(byEntry.get("cells.dv")).toMatchObject({ files: [u("dv", "cells.dv"), log] });
    expect(byEntry.get("cells.dv")?.shared).toBeUndefined();
    expect(byEntry.get("cells_D3D.dv")).toMatchObject({
      files: [u("dv", "cells_D3D.dv"), log, txt],
      shared: [log],
    });
    // One owner in the ledger; the local importer copied the log into both filesets.
    expect(files(h).find((f) => f.path === log)).toMatchObject({
      state: "imported",
      fileset: byEntry.get("cells.dv")!.id,
    });
    const copies = managedCopies(h);
    expect(copies.get(log)).toBe(2);
    expect(copies.get(txt)).toBe(1);

    const d3d = byEntry.get("cells_D3D.dv")!.id;
    const show = JSON.parse(cli("imports", "show", String(d3d), "--json")) as ImportJson;
    expect(show.shared).toEqual([log]);
    const file = JSON.parse(cli("files", "show", log, "--json")) as FileShowJson;
    expect(file.import?.id).toBe(byEntry.get("cells.dv")!.id);
    expect(file.alsoIn?.map((i) => i.id)).toEqual([d3d]);
    expect(cli("files", "show", log)).toMatch(
      new RegExp(`also in: +import ${d3d} \\(imported; entry .*cells_D3D\\.dv\\): Bio-Formats uses this file in both`),
    );
  });

  it("the raw image imported first: a deconvolution dropped later is imported with the raw image's log", async () => {
    const log = write(u("later", "a.dv.log"), "raw log\n");
    write(u("later", "a.dv"), dv());
    await sync(h.home);
    await waitImported(h, 3);
    write(u("later", "a_D3D.dv"), dv());
    await sync(h.home);
    const done = await waitImported(h, 4);
    const d3d = done.find((i) => i.entry === u("later", "a_D3D.dv"));
    expect(d3d).toMatchObject({ files: [u("later", "a_D3D.dv"), log], shared: [log] });
    expect(managedCopies(h).get(log)).toBe(2);
    // Nothing else changed: the raw image stays imported once.
    expect(imports(h).filter((i) => i.entry === u("later", "a.dv"))).toHaveLength(1);
  });
});
