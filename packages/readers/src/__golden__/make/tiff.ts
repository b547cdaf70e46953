/** Minimal TIFFs that Bio-Formats' setId accepts: one strip of pixel bytes per IFD (zeros). Pure. */
import { type IfdSpec, makeTiff, readablePlane } from "../../__fixtures__/make-tiff";

export interface GoldenTiff {
  width?: number;
  height?: number;
  /** ImageDescription (270): OME-XML, ImageJ, MetaMorph... */
  description?: string;
  /** Software (305), e.g. MIAS's "eaZYX". */
  software?: string;
  /** Extra SHORT tags (value 0), e.g. 51123 Micro-Manager. */
  extraTags?: number[];
  /** Extra ASCII tags of the first IFD: DocumentName (269), DateTime (306), Copyright (33432)... */
  ascii?: Record<number, string>;
  /** Extra SHORT tags of the first IFD with their values, e.g. NewSubfileType... */
  shorts?: Record<number, number>;
  /** Planes (IFDs), default 1. */
  planes?: number;
  bits?: 8 | 16;
  bigEndian?: boolean;
}

/** A w x h grey TIFF (default 4 x 4, 8-bit, one plane) with real strip data. */
export function tiff(o: GoldenTiff = {}): Buffer {
  const width = o.width ?? 4;
  const height = o.height ?? 4;
  const bits = o.bits ?? 8;
  const ifd = (i: number): IfdSpec => ({
    width,
    height,
    bits,
    ...readablePlane(width, height),
    strips: [(width * height * bits) / 8],
    shortTags: [
      ...(readablePlane(width, height).shortTags ?? []),
      ...(i === 0 ? Object.entries(o.shorts ?? {}).map(([t, v]) => [Number(t), v] as [number, number]) : []),
    ],
    ...(i === 0 && o.ascii
      ? { asciiTags: Object.entries(o.ascii).map(([t, v]) => [Number(t), v] as [number, string]) }
      : {}),
    ...(i === 0 && o.description !== undefined ? { description: o.description } : {}),
    ...(i === 0 && o.software !== undefined ? { software: o.software } : {}),
    ...(i === 0 && o.extraTags ? { extraTags: o.extraTags } : {}),
  });
  return makeTiff({ littleEndian: !o.bigEndian, ifds: Array.from({ length: o.planes ?? 1 }, (_, i) => ifd(i)) });
}

/** A TIFF of IFDs with their own sizes (e.g. a QPTIFF's channels, then smaller overview planes). */
export function tiffOf(
  ifds: { width: number; height: number; description?: string; software?: string; newSubfileType?: number }[],
): Buffer {
  return makeTiff({
    ifds: ifds.map((i) => ({
      ...i,
      bits: 8,
      ...readablePlane(i.width, i.height),
    })),
  });
}
