/**
 * Files written by real, independent tools (Debian's ImageMagick, python3-mrcfile, python3-tifffile),
 * whole and cut as an interrupted copy leaves them; and the literal OLE 2 file of __fixtures__ read
 * back by python3-olefile (so the maker the ZVI/OIB tests use is a real compound file). Each part
 * skips, with a warning, only when its tool is not installed (.ci/run installs them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeOle } from "./__fixtures__/make";
import { checkStructure } from "./check";

const PY = "/usr/bin/python3";
const CONVERT = "/usr/bin/convert";
const has = (module: string) => spawnSync(PY, ["-c", `import ${module}`]).status === 0;
const tools = {
  convert: existsSync(CONVERT),
  mrcfile: has("mrcfile, numpy"),
  tifffile: has("tifffile, numpy"),
  olefile: has("olefile"),
};
for (const [t, ok] of Object.entries(tools))
  if (!ok)
    console.warn(
      `tools.test: ${t} missing, its part is skipped (apt-get install -y imagemagick python3-mrcfile python3-tifffile python3-olefile)`,
    );

const reader = (b: Buffer) => (o: number, l: number) => b.subarray(o, o + l);
const check = (path: string, b: Buffer) => checkStructure(path, b.length, reader(b));

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "readers-tools-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function wholeAndCut(path: string): Promise<void> {
  const b = readFileSync(path);
  expect(await check(path, b)).toEqual({ state: "complete" });
  for (const n of [0.1, 0.5, 0.9].map((f) => Math.floor(b.length * f)).concat([b.length - 1]))
    expect({ n, r: await check(path, b.subarray(0, n)) }).toMatchObject({ n, r: { state: "incomplete" } });
}

(tools.convert ? describe : describe.skip)("ImageMagick", () => {
  it.each(["png", "jpg", "bmp", "gif"])("a .%s is complete, and incomplete when cut", async (ext) => {
    const p = join(dir, `gradient.${ext}`);
    execFileSync(CONVERT, ["-size", "97x61", "plasma:fractal", "-seed", "7", p]);
    await wholeAndCut(p);
  });
});

(tools.mrcfile ? describe : describe.skip)("python3-mrcfile", () => {
  it("an MRC volume with an extended header is complete, and incomplete when cut", async () => {
    const p = join(dir, "vol.mrc");
    execFileSync(PY, [
      "-c",
      "import sys, numpy, mrcfile\nwith mrcfile.new(sys.argv[1]) as m:\n  m.set_extended_header(numpy.zeros(10, dtype=[('a','<i4')]))\n  m.set_data(numpy.arange(5*40*30, dtype=numpy.int16).reshape(5,40,30))",
      p,
    ]);
    await wholeAndCut(p);
  });
});

(tools.tifffile ? describe : describe.skip)("python3-tifffile", () => {
  it("a tiled pyramid (an SVS/NDPI-like TIFF) is complete, and incomplete when cut", async () => {
    const p = join(dir, "slide.svs");
    execFileSync(PY, [
      "-c",
      "import sys, numpy, tifffile\nd = numpy.arange(256*192*3, dtype=numpy.uint8).reshape(256,192,3)\nwith tifffile.TiffWriter(sys.argv[1]) as t:\n  t.write(d, tile=(64,64), subifds=1, compression='zlib')\n  t.write(d[::2,::2], tile=(64,64), subfiletype=1, compression='zlib')\n  t.write(d[::4,::4], subfiletype=1)",
      p,
    ]);
    await wholeAndCut(p);
  });
});

(tools.olefile ? describe : describe.skip)("python3-olefile", () => {
  it("reads the literal OLE 2 file the ZVI/OIB tests use", () => {
    const p = join(dir, "a.zvi");
    writeFileSync(p, makeOle(9000, "Image"));
    const out = execFileSync(PY, [
      "-c",
      "import sys, olefile\no = olefile.OleFileIO(sys.argv[1])\nprint(o.listdir(), o.get_size('Image'))",
      p,
    ]).toString();
    expect(out.trim()).toBe("[['Image']] 9000");
  });
});
