/** Structural completeness checks (issue 9); see the readers README, "Structural completeness". */
export type { OpenFn } from "./check";
export { checkFilesetStructure, checkStructure } from "./check";
export { checkFileStructure, checkFilesetStructureOnDisk } from "./file";
export { parseIcsHeader, parseNifti1Header } from "./formats";
export type { StructureCheck } from "./types";
