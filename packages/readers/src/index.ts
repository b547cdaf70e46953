export type { Catalogue, ReaderEntry, ReadersFileErrorCode } from "./catalogue";
export {
  allReaders,
  CATALOGUE_SOURCE,
  DEFAULT_PACKAGE,
  defaultCatalogue,
  parseReadersFile,
  ReadersFileError,
  resolveReaderClass,
} from "./catalogue";
export type { OpenFn, StructureCheck } from "./complete";
export {
  checkFileStructure,
  checkFilesetStructure,
  checkFilesetStructureOnDisk,
  checkStructure,
  parseIcsHeader,
  parseNifti1Header,
} from "./complete";
export type {
  CandidateFile,
  FileProbe,
  FilesetPlan,
  GroupingOptions,
  GroupingResult,
  PendingFile,
  PlateSummary,
} from "./types";
export { HEADER_BYTES, WHOLE_FILE_MAX_BYTES } from "./types";
export {
  allMembers,
  groupFilesets,
  MM_METADATA_TAG,
  metamorphPlaneBase,
  metamorphPlaneNames,
  needsHeader,
  probeCanRefuse,
  wantsWholeFile,
  wholeFileMax,
  wholeFileMaxByHead,
} from "./grouping";
export { loadReadersFile, probeFile, readTiffFileImages } from "./io";
export type { OmePixels } from "./omexml";
export { isOmeXml, isOmeXmlWithImage, omeImages, omeReferencedFiles } from "./omexml";
export type { ImageInfo, ReadFn, ReadTiffOptions, TiffErrorCode, TiffHeader } from "./tiff";
export {
  parseTiffHeader,
  pixelTypeOf,
  readTiffDescription,
  readTiffFirstIfd,
  readTiffImages,
  TiffError,
} from "./tiff";
