/**
 * Real files from Debian's python3-tifffile (an independent writer): complete, and truncated as an
 * interrupted copy leaves them. Skips (with a note) only when /usr/bin/python3 has no tifffile.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkFileStructure, checkFilesetStructureOnDisk } from "./file";

const PY = "/usr/bin/python3";
const hasTifffile = spawnSync(PY, ["-c", "import tifffile, numpy"]).status === 0;
const maybe = hasTifffile ? describe : describe.skip;
if (!hasTifffile)
  console.warn("tifffile.test: skipped, /usr/bin/python3 lacks tifffile (apt-get install -y python3-tifffile)");

const WRITE = `
import sys, numpy, tifffile
d = sys.argv[1]
data = numpy.arange(5 * 64 * 48, dtype=numpy.uint16).reshape(5, 64, 48)
tifffile.imwrite(d + '/plain.ome.tif', data, metadata={'axes': 'ZYX'})
tifffile.imwrite(d + '/tiled.ome.tif', data, tile=(16, 16), compression='zlib', metadata={'axes': 'ZYX'})
tifffile.imwrite(d + '/big.ome.tif', data, bigtiff=True, metadata={'axes': 'ZYX'})
`;

maybe("OME-TIFFs written by tifffile", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "readers-tifffile-"));
    execFileSync(PY, ["-c", WRITE, dir]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(["plain", "tiled", "big"])("%s.ome.tif is complete, and incomplete when cut", async (name) => {
    const full = join(dir, `${name}.ome.tif`);
    expect(await checkFileStructure(full)).toEqual({ state: "complete" });
    const size = statSync(full).size;
    for (const fraction of [0.4, 0.9]) {
      const part = join(dir, `${name}-${fraction}.ome.tif`);
      copyFileSync(full, part);
      truncateSync(part, Math.floor(size * fraction));
      const r = await checkFileStructure(part);
      expect(r.state).toBe("incomplete");
    }
    const minus1 = join(dir, `${name}-1.ome.tif`);
    copyFileSync(full, minus1);
    truncateSync(minus1, size - 1);
    expect(await checkFileStructure(minus1)).toMatchObject({
      state: "incomplete",
      reason: expect.stringMatching(/^TIFF truncated/),
    });
  });

  it("a single-file OME-TIFF plan has no cross-file problem", async () => {
    const entry = join(dir, "plain.ome.tif");
    const plan = {
      key: entry,
      reader: "loci.formats.in.OMETiffReader",
      entry,
      files: [entry],
      missing: [],
      reasons: [],
    };
    expect(await checkFilesetStructureOnDisk(plan)).toEqual([]);
  });
});
