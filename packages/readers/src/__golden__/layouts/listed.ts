/**
 * Entries that list their members: .pattern, .ndpis, FakeReader .ini. (Leica .lei / .xlef, CZI and OIR parts: no
 * generator yet writes files their readers' setId accepts, so their rules are checked against the sources only.)
 */
import { ndpisSet, patternSet } from "../../__fixtures__/formats";
import { without } from "../make/files";
import { fromFixture } from "../make/fixture";
import { tiff } from "../make/tiff";
import type { GoldenLayout } from "../types";

const pattern = fromFixture(patternSet().files);
// NDPIReader.isThisType wants its marker (65426) or metadata (65449) tag; a TIFF without is TiffDelegateReader's.
const ndpi = () => tiff({ ascii: { 65449: "Objective.Lens.Magnificant=20" } });
const ndpis = Object.fromEntries(
  Object.entries(fromFixture(ndpisSet().files)).map(([p, c]) => [p, p.endsWith(".ndpi") ? ndpi() : c]),
);

export const layouts: GoldenLayout[] = [
  { name: "pattern-set", files: pattern },
  {
    name: "pattern-relative-folder",
    note: "a relative folder in the pattern is resolved against the importer's working directory: setId fails",
    files: { ...without(pattern, "stack/stack.pattern"), "stack.pattern": "stack/img_z<01-03>_<GFP,RFP>.tif\n" },
  },
  {
    name: "pattern-regex",
    files: { ...without(pattern, "stack/stack.pattern"), "stack/all.pattern": "img_z0[12]_GFP\\.tif\n" },
  },
  { name: "pattern-stray", files: { ...pattern, "stack/img_z01_BF.tif": tiff() } },
  {
    name: "pattern-member-missing",
    files: without(pattern, "stack/img_z03_RFP.tif"),
    missingOnPurpose: ["stack/img_z03_RFP.tif"],
  },
  { name: "ndpis-set", files: ndpis },
  { name: "ndpis-member-missing", files: without(ndpis, "slide-FITC.ndpi"), missingOnPurpose: ["slide-FITC.ndpi"] },
  { name: "ndpis-stray-ndpi", files: { ...ndpis, "other.ndpi": ndpi() } },
  {
    name: "fake-with-ini",
    files: { "test&sizeZ=2.fake": "", "test&sizeZ=2.fake.ini": "[GlobalMetadata]\nkey=value\n" },
  },
];
