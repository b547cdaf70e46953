import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createImporter, verifyLeaf } from "../../packages/dropbox/src/importers";
import { tempDir } from "../helpers/wait";
import { configFor, HOSTILE_NAMES, memoryLog, request } from "./helpers";

const run = () => ({ signal: new AbortController().signal, timeoutMs: 60_000 });

describe("local importer (default)", () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir("omero-fs-local-e2e-");
  });
  afterEach(() => t.cleanup());

  it("imports a fileset of hostile names into the ManagedRepository, verifiable with sha1sum -c", async () => {
    const config = configFor(t.dir, {});
    expect(config.global.importer).toBe("local");
    const dir = path.join(t.dir, "data", "DropBox", "amy", "$(id) run");
    fs.mkdirSync(path.join(dir, "-sub"), { recursive: true });
    const files = HOSTILE_NAMES.map((n, k) => {
      const p = path.join(k % 2 ? path.join(dir, "-sub") : dir, n);
      fs.writeFileSync(p, `content ${k}`);
      return p;
    });
    const importer = createImporter(config, {
      log: memoryLog().log,
      now: () => Date.parse("2026-01-02T03:04:05.678Z"),
    });
    const out = await importer.run(request(config, 5, "amy", files), run());
    const leaf = path.join(t.dir, "data", "ManagedRepository", "amy", "2026-01", "02", "03-04-05.678");
    expect(out).toMatchObject({ ok: true, target: leaf, images: null, error: null });
    for (const [k, f] of files.entries())
      expect(fs.readFileSync(path.join(leaf, path.relative(dir, f)), "utf8")).toBe(`content ${k}`);
    const v = await verifyLeaf(leaf, 5);
    expect(v.ok).toBe(true);
    expect(
      execFileSync("sha1sum", ["-c", ".omero-fs-checksums.sha1"], { cwd: leaf }).toString().split("\n").length,
    ).toBe(files.length + 1);
  });

  it("parallel imports in the same millisecond get distinct leaves", async () => {
    const config = configFor(t.dir, {});
    const dir = path.join(t.dir, "data", "DropBox", "bob");
    fs.mkdirSync(dir, { recursive: true });
    const importer = createImporter(config, {
      log: memoryLog().log,
      now: () => Date.parse("2026-01-02T03:04:05.678Z"),
    });
    const outs = await Promise.all(
      [1, 2, 3, 4, 5].map((k) => {
        const f = path.join(dir, `f${k}.ics`);
        fs.writeFileSync(f, `ics ${k}`);
        return importer.run(request(config, k, "bob", [f]), run());
      }),
    );
    expect(outs.filter((o) => !o.ok).map((o) => o.error)).toEqual([]);
    expect(new Set(outs.map((o) => o.target)).size).toBe(5);
    expect(fs.readdirSync(path.join(t.dir, "data", "ManagedRepository", "bob", "2026-01", "02")).sort()).toEqual([
      "03-04-05.678",
      "03-04-05.678-1",
      "03-04-05.678-2",
      "03-04-05.678-3",
      "03-04-05.678-4",
    ]);
  });
});
