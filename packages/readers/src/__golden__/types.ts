/** A golden layout: a small folder tree, paths relative to its root (HELPER-RULES "Golden cases"). */
export interface GoldenLayout {
  name: string;
  files: Record<string, Buffer | string>;
  note?: string;
  missingOnPurpose?: string[];
}
