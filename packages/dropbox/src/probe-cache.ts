/** Content probes kept between grouping runs (part of the grouping step's I/O). */
import { type FileProbe, wantsWholeFile, wholeFileMaxByHead } from "@omero-fs/readers";

/**
 * Probes kept between grouping runs: enough for the folders being written to (a 384-well plate of
 * 4 sites x 4 channels is 6,144 TIFFs, a 1536-well one four times that: a plate regrouped while it
 * is acquired must not re-read its images' heads every run), a few MiB at most (the byte cap
 * decides: a TIFF's probe is about 300 bytes).
 */
export const PROBE_CACHE_ENTRIES = 30_000;
export const PROBE_CACHE_BYTES = 8 * 1024 * 1024;
/** Bytes of a probe head kept in memory between grouping runs (content rules look at <= 8 KiB). */
const KEEP_HEAD = 8192;

/**
 * Content probes by path, valid for one (size, mtime), so regrouping a folder that grows does not
 * re-read its files. Bounded (oldest entry dropped first): a miss only costs a re-read, and a
 * 100,000-file drop must not keep 100,000 probes.
 */
export class ProbeCache {
  private readonly m = new Map<string, { size: number; mtimeMs: number; probe: FileProbe; bytes: number }>();
  private bytes = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get(p: string, size: number, mtimeMs: number): FileProbe | undefined {
    const e = this.m.get(p);
    return e && e.size === size && e.mtimeMs === mtimeMs ? e.probe : undefined;
  }

  set(p: string, size: number, mtimeMs: number, probe: FileProbe): void {
    this.delete(p);
    // TIFF heads are shared (trimProbe); other heads and descriptions are the probe's own.
    const own = probe.tiffDescription !== undefined ? 0 : (probe.head?.length ?? 0);
    const bytes = 100 + 2 * p.length + 2 * (probe.tiffDescription?.length ?? 0) + own;
    this.m.set(p, { size, mtimeMs, probe, bytes });
    this.bytes += bytes;
    while (this.m.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.m.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(p: string): void {
    const e = this.m.get(p);
    if (!e) return;
    this.bytes -= e.bytes;
    this.m.delete(p);
  }
}

const TIFF_HEADS = new Map<string, Buffer>();

/** Keep a small probe in memory: content rules read at most 8 KiB, index files need the whole text. */
export function trimProbe(p: string, probe: FileProbe): FileProbe {
  if (wantsWholeFile(p) || !probe.head) return probe;
  // An index the probe read whole because of its head (a Prairie XML) keeps its whole text.
  if (probe.head.length > KEEP_HEAD && wholeFileMaxByHead(p, probe.head) > 0) return probe;
  if (probe.tiffDescription !== undefined) {
    // A TIFF is decided by its magic and ImageDescription: share one 8-byte head per byte order
    // instead of keeping a buffer per file (100,000 TIFFs).
    const magic = probe.head.subarray(0, 8);
    const key = magic.toString("hex");
    let head = TIFF_HEADS.get(key);
    if (!head) {
      head = Buffer.from(magic);
      if (TIFF_HEADS.size < 64) TIFF_HEADS.set(key, head);
    }
    // tiffTags too: tag 51123 (Micro-Manager) is what holds a TIFF for its metadata.txt; and the
    // Software tag, which MIASReader's plate rule reads (without it no MIAS plate ever formed).
    const out: FileProbe = { head, tiffDescription: probe.tiffDescription };
    if (probe.tiffTags) out.tiffTags = probe.tiffTags;
    if (probe.tiffSoftware !== undefined) out.tiffSoftware = probe.tiffSoftware;
    // DocumentName, DateTime, Copyright: TCS, SlideBook and Trestle TIFF sets are found by them.
    if (probe.tiffText !== undefined) out.tiffText = probe.tiffText;
    return out;
  }
  if (probe.head.length <= KEEP_HEAD) return probe;
  const out: FileProbe = { head: Buffer.from(probe.head.subarray(0, KEEP_HEAD)) };
  if (probe.tiffDescription !== undefined) out.tiffDescription = probe.tiffDescription;
  if (probe.tiffTags) out.tiffTags = probe.tiffTags;
  if (probe.tiffSoftware !== undefined) out.tiffSoftware = probe.tiffSoftware;
  if (probe.tiffText !== undefined) out.tiffText = probe.tiffText;
  return out;
}
