/**
 * Whether a fileset may be imported, by size (issue 19), before the importer runs: its size against
 * omero.fs.maxFilesetSize, and, for the local importer, against the free space where it writes.
 * Both the apparent size (what a read of the files gives: what the local importer writes, a sparse
 * file's holes as zeros, and what OMERO receives) and the real size (allocated blocks) are
 * measured; the larger counts. Pure.
 */

export interface FilesetSize {
  /** Sum of the members' sizes (st.size). */
  apparent: number;
  /** Sum of the members' allocated blocks (st.blocks * 512). */
  allocated: number;
}

export interface SpaceFacts {
  size: FilesetSize;
  /** omero.fs.maxFilesetSize in bytes; 0: no limit. */
  maxBytes: number;
  /** Bytes free for the importer's target (the local importer's repository), or null (not checked). */
  freeBytes: number | null;
}

/** Free space kept beyond the fileset: the file system must not be filled to the last byte. */
export const SPACE_MARGIN = 64 * 1024 * 1024;

const GIB = 1024 ** 3;
const human = (n: number): string =>
  n >= GIB ? `${(n / GIB).toFixed(1)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${n} bytes`;

/** The size that counts, with both in words when they differ much (a sparse file). */
function sizeText(s: FilesetSize): string {
  const counts = Math.max(s.apparent, s.allocated);
  if (s.allocated * 2 >= s.apparent) return `${counts.toLocaleString("en-US")} bytes (${human(counts)})`;
  return `${s.apparent.toLocaleString("en-US")} bytes (${human(s.apparent)}; only ${human(s.allocated)} allocated on disk: a sparse file, read and written as zeros)`;
}

/**
 * null when the fileset may be imported; else why not, and whether a later attempt may succeed
 * (free space may come back; the limit is the admin's to change).
 */
export function sizeVerdict(f: SpaceFacts): { error: string; retryable: boolean } | null {
  const counts = Math.max(f.size.apparent, f.size.allocated);
  if (f.maxBytes > 0 && counts > f.maxBytes)
    return {
      error: `the fileset is ${sizeText(f.size)}, more than omero.fs.maxFilesetSize (${f.maxBytes.toLocaleString("en-US")} bytes): not imported; raise the limit and run omero-fs imports retry, or remove it`,
      retryable: false,
    };
  if (f.freeBytes !== null && counts + SPACE_MARGIN > f.freeBytes)
    return {
      error: `not enough free space for the import: the fileset is ${sizeText(f.size)}, ${human(f.freeBytes)} free where the local importer writes (${human(SPACE_MARGIN)} kept free); free space, or it is tried again`,
      retryable: true,
    };
  return null;
}
