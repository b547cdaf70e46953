import { SPACE_MARGIN, sizeVerdict } from "./space";

const TIB = 1024 ** 4;

describe("size before an import", () => {
  it("passes a fileset under the limit with room to spare", () => {
    expect(
      sizeVerdict({ size: { apparent: 100, allocated: 4096 }, maxBytes: 0, freeBytes: 10 * SPACE_MARGIN }),
    ).toBeNull();
  });

  it("a sparse 1 TiB file: its apparent size counts, and the message says it is sparse", () => {
    const v = sizeVerdict({ size: { apparent: TIB, allocated: 4096 }, maxBytes: 0, freeBytes: 3.6 * 1024 ** 3 });
    expect(v?.retryable).toBe(true);
    expect(v?.error).toBe(
      "not enough free space for the import: the fileset is 1,099,511,627,776 bytes (1024.0 GiB; only 4096 bytes allocated on disk: a sparse file, read and written as zeros), 3.6 GiB free where the local importer writes (64.0 MiB kept free); free space, or it is tried again",
    );
  });

  it("omero.fs.maxFilesetSize: the larger of apparent and allocated size, never retried by itself", () => {
    const v = sizeVerdict({ size: { apparent: 1000, allocated: 4096 }, maxBytes: 2048, freeBytes: null });
    expect(v).toEqual({
      error:
        "the fileset is 4,096 bytes (4096 bytes), more than omero.fs.maxFilesetSize (2,048 bytes): not imported; raise the limit and run omero-fs imports retry, or remove it",
      retryable: false,
    });
    expect(sizeVerdict({ size: { apparent: 2048, allocated: 2048 }, maxBytes: 2048, freeBytes: null })).toBeNull();
  });

  it("keeps a margin free", () => {
    expect(
      sizeVerdict({ size: { apparent: 10, allocated: 10 }, maxBytes: 0, freeBytes: SPACE_MARGIN })?.retryable,
    ).toBe(true);
  });
});
