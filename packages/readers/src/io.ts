/** The only module with I/O: reading readers files and probing candidate files. */
import { open } from "node:fs/promises";
import { readFileSync } from "node:fs";
import type { Catalogue } from "./catalogue";
import { parseReadersFile, ReadersFileError } from "./catalogue";
import { wholeFileMax, wholeFileMaxByHead } from "./grouping/group";
import type { FileProbe } from "./types";
import { HEADER_BYTES } from "./types";
import type { ImageInfo } from "./tiff";
import { parseTiffHeader, readTiffFirstIfd, readTiffImages } from "./tiff";

/** Reads and parses a readers file (OMERO readers.txt format); a missing file is READERS_FILE_MISSING. */
export function loadReadersFile(path: string): Catalogue {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReadersFileError(
      "READERS_FILE_MISSING",
      `readers file ${path} cannot be read (${code ?? String(err)}); fix the path in omero.fs.readers or create the file`,
      path,
      null,
      err,
    );
  }
  return parseReadersFile(text, path);
}

/** Most TIFFs of a drop share one tag set: share its array (100,000 probes kept by the DropBox). */
const TAG_SETS = new Map<string, number[]>();
function internTags(tags: number[]): number[] {
  const key = tags.join(",");
  const hit = TAG_SETS.get(key);
  if (hit) return hit;
  if (TAG_SETS.size < 256) TAG_SETS.set(key, tags);
  return tags;
}

/**
 * The FileProbe of a path: the first HEADER_BYTES bytes (the whole file, up to wholeFileMax(path), for
 * index files such as *.companion.ome, metadata.txt, .nd, .ndpis, .lei, plate indexes) and, for a TIFF, the first IFD's
 * ImageDescription wherever it is stored, and its tag numbers (`tiffTags`). A corrupt TIFF gets
 * `tiffDescription: null` and no tags.
 */
export async function probeFile(path: string): Promise<FileProbe> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const wholeMax = wholeFileMax(path);
    const want = wholeMax > 0 && size <= wholeMax ? size : Math.min(size, HEADER_BYTES);
    const head = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(head, got, want - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    // An index recognised by its head (a Prairie XML) is read whole, up to the limit its rule sets.
    const more = got === want && want < size ? wholeFileMaxByHead(path, head.subarray(0, got)) : 0;
    if (more >= size) {
      const whole = Buffer.alloc(size);
      head.copy(whole, 0, 0, got);
      while (got < size) {
        const { bytesRead } = await fh.read(whole, got, size - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return { head: whole.subarray(0, got) };
    }
    const probe: FileProbe = { head: head.subarray(0, got) };
    if (parseTiffHeader(probe.head!)) {
      const read = async (offset: number, length: number): Promise<Buffer> => {
        if (offset + length <= got) return probe.head!.subarray(offset, offset + length);
        const b = Buffer.alloc(length);
        const { bytesRead } = await fh.read(b, 0, length, offset);
        return b.subarray(0, bytesRead);
      };
      try {
        const first = await readTiffFirstIfd(read, size);
        probe.tiffDescription = first?.description ?? null;
        if (first) probe.tiffTags = internTags(first.tags);
        if (first?.software !== undefined) probe.tiffSoftware = first.software;
        if (first?.text !== undefined) probe.tiffText = first.text;
      } catch {
        // A TIFF being written, or corrupt: no description; the importer reports the real error.
        probe.tiffDescription = null;
      }
    }
    return probe;
  } finally {
    await fh.close();
  }
}

/** Image info of a TIFF file on disk, reading only the IFDs (never the pixels). */
export async function readTiffFileImages(path: string, name?: string): Promise<ImageInfo[]> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const read = async (offset: number, length: number): Promise<Buffer> => {
      const b = Buffer.alloc(length);
      const { bytesRead } = await fh.read(b, 0, length, offset);
      return b.subarray(0, bytesRead);
    };
    return await readTiffImages(read, size, { name });
  } finally {
    await fh.close();
  }
}
