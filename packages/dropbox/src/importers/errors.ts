/** Stable codes for importer configuration problems (thrown by createImporter / argv builders). */
export type ImporterErrorCode =
  | "IMPORTER_UNBALANCED_QUOTE"
  | "IMPORTER_EMPTY_EXEC_COMMAND"
  | "IMPORTER_BAD_PLACEHOLDER"
  | "IMPORTER_NO_PASSWORD"
  | "IMPORTER_TRANSFER_TWICE"
  | "IMPORTER_UNKNOWN_KIND";

/** A setting the importers cannot work with; the message names the property (and watch) to fix. */
export class ImporterConfigError extends Error {
  readonly code: ImporterErrorCode;
  constructor(code: ImporterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ImporterConfigError";
    this.code = code;
  }
}
