/**
 * Reader class names and TIFF suffixes shared by the rule files.
 */

export const P = "loci.formats.in.";
export const R = {
  pattern: `${P}FilePatternReader`,
  zarr: `${P}ZarrReader`,
  rcpnl: `${P}RCPNLReader`,
  dv: `${P}DeltavisionReader`,
  omexml: `${P}OMEXMLReader`,
  volocity: `${P}VolocityReader`,
  cellsens: `${P}CellSensReader`,
  czi: `${P}ZeissCZIReader`,
  ndpis: `${P}NDPISReader`,
  fake: `${P}FakeReader`,
  oir: `${P}OIRReader`,
  nifti: `${P}NiftiReader`,
  analyze: `${P}AnalyzeReader`,
  ics: `${P}ICSReader`,
  fv1000: `${P}FV1000Reader`,
  ometiff: `${P}OMETiffReader`,
  leica: `${P}LeicaReader`,
  metamorph: `${P}MetamorphReader`,
  mm: `${P}MicromanagerReader`,
  tiff: `${P}TiffDelegateReader`,
  bdv: `${P}BDVReader`,
  xlef: `${P}XLEFReader`,
  lof: `${P}LOFReader`,
} as const;

export const TIFF_SUFFIXES = ["tif", "tiff", "tf2", "tf8", "btf"];
export const OME_TIFF_SUFFIXES = ["ome.tif", "ome.tiff", "ome.tf2", "ome.tf8", "ome.btf"];

export function endsWithAny(lowerName: string, suffixes: readonly string[]): boolean {
  return suffixes.some((s) => lowerName.endsWith(`.${s}`));
}

export const isTiffName = (ln: string) => endsWithAny(ln, TIFF_SUFFIXES);
export const isMmMetadataName = (ln: string) => ln === "metadata.txt" || ln.endsWith("_metadata.txt");

/** "loci.formats.in.ICSReader" -> "ICSReader". */
export const shortName = (reader: string) => reader.slice(reader.lastIndexOf(".") + 1);
