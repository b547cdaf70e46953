// Placeholder until the importers land; the signature is final.
import type { OmeroFsConfig } from "@omero-fs/config";
import type { Importer, ImporterDeps } from "./types";

export * from "./types";

export function createImporter(config: OmeroFsConfig, deps: ImporterDeps): Importer {
  void deps;
  throw new Error(`importer ${config.global.importer} not implemented yet`);
}
