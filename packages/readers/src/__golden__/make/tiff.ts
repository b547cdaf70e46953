/** Small valid TIFFs (one 8x8 8-bit strip per IFD) for the golden layouts; built on __fixtures__/make-tiff. */
import { makeTiff } from "../../__fixtures__/make-tiff";
import type { IfdSpec } from "../../__fixtures__/make-tiff";

export interface GoldenTiff {
  description?: string;
  software?: string;
  extraTags?: number[];
  /** IFDs (planes); 1 by default. */
  planes?: number;
  width?: number;
  height?: number;
  littleEndian?: boolean;
}

export function goldenTiff(spec: GoldenTiff = {}): Buffer {
  const width = spec.width ?? 8;
  const height = spec.height ?? 8;
  const ifds: IfdSpec[] = Array.from({ length: spec.planes ?? 1 }, (_, i) => ({
    width,
    height,
    strips: [width * height],
    // PhotometricInterpretation (262, here 0) is required by MinimalTiffReader.initFile.
    extraTags: [262, ...(i === 0 ? (spec.extraTags ?? []) : [])],
    ...(i === 0 ? { description: spec.description, software: spec.software } : {}),
  }));
  return makeTiff({ littleEndian: spec.littleEndian ?? true, ifds });
}
