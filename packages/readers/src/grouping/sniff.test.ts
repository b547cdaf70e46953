import { makeTiff, readablePlane } from "../__fixtures__/make-tiff";
import type { CandidateFile } from "../types";
import { defaultIndex } from "./catalogue-index";
import { R } from "./names";
import { sniffDecision } from "./sniff";

const probed = (path: string, head: Buffer, extra: Partial<CandidateFile["probe"]> = {}): CandidateFile => ({
  path,
  size: head.length,
  probe: { head, ...extra },
});

describe("names no reader claims, read by content (sniff.ts)", () => {
  const idx = defaultIndex();

  it("a TIFF named cells.tif~ is what TiffDelegateReader makes of it", () => {
    expect(
      sniffDecision(
        idx,
        probed("/d/cells.tif~", makeTiff({ ifds: [{ width: 4, height: 4, ...readablePlane(4, 4) }] }), {
          tiffDescription: null,
          tiffTags: [256],
        }),
      ),
    ).toEqual({ kind: "entry", reader: R.tiff });
  });

  it("a CZI backup is ZeissCZIReader's when whole, refused with why when cut", () => {
    const czi = Buffer.alloc(512);
    czi.write("ZISRAWFILE", 0, "latin1");
    expect(sniffDecision(idx, probed("/d/scan.czi.bak", czi))).toEqual({ kind: "entry", reader: R.czi });
    const cut = sniffDecision(idx, probed("/d/scan.czi.bak", czi.subarray(0, 40)));
    expect(cut).toMatchObject({ kind: "ignored", reason: expect.stringMatching(/cut: 40 bytes.*ZeissCZIReader/) });
  });

  it("PNG and JPEG signatures; text or no probe: no reader", () => {
    const png = Buffer.from("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "latin1");
    expect(sniffDecision(idx, probed("/d/plot", png))).toMatchObject({
      kind: "entry",
      reader: expect.stringMatching(/APNGReader$/),
    });
    const jpg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
    expect(sniffDecision(idx, probed("/d/photo", jpg))).toMatchObject({
      kind: "entry",
      reader: expect.stringMatching(/JPEGReader$/),
    });
    expect(sniffDecision(idx, probed("/d/macro.ijm", Buffer.from('run("Measure");\n')))).toBeNull();
    expect(sniffDecision(idx, { path: "/d/cells.tif~", size: 100 })).toBeNull();
  });
});
