/**
 * Reader choice and fileset grouping: which Bio-Formats reader takes each file, and which files
 * import together. Pure: everything it knows about file contents comes in `CandidateFile.probe`.
 * One file per rule family of the readers README ("Rules"); the rules come from Bio-Formats (see
 * the readers README and docs/ARCHITECTURE.md, "Readers and filesets").
 */
export { MM_METADATA_TAG } from "./facts";
export {
  groupFilesets,
  LIST_WHOLE_FILE_MAX_BYTES,
  needsHeader,
  probeCanRefuse,
  wantsWholeFile,
  wholeFileMax,
  wholeFileMaxByHead,
} from "./group";
export { metamorphPlaneBase, metamorphPlaneNames } from "./metamorph";
export { allMembers } from "./shared";
