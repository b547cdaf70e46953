import type { Logger, OmeroFsConfig, WatchConfig } from "@omero-fs/config";
import type { ImageJson } from "@omero-fs/protocol";
import type { ServerProblem, UsedFilesGroup } from "./omero-output";

/** One fileset to import, as the DropBox ledger knows it. */
export interface ImportRequest {
  /** Ledger id of the fileset (tags every log line: `[fileset <id>]`). */
  filesetId: number;
  /** OMERO user the fileset is imported for (the folder's owner). */
  user: string;
  /** The watch the fileset was found in (its importArgs apply). */
  watch: WatchConfig;
  /** Absolute path of the entry file (the one the reader is pointed at). */
  entry: string;
  /** Absolute paths of every file of the fileset, the entry included. */
  files: string[];
  /** Reader class name (e.g. "loci.formats.in.TiffReader"), or null when unknown. */
  reader: string | null;
}

/** Result of one importer run; `run` never throws for an import failure. */
export interface ImportOutcome {
  ok: boolean;
  /** Meaningful when !ok: false for permanent failures (unknown user, file missing, bad config). */
  retryable: boolean;
  /** Where it went: the ManagedRepository leaf (local), "Image:1,2; Fileset:5" (omero), last stdout line (exec). */
  target: string | null;
  /** Image dimensions when the importer could read them (local importer, TIFF/OME-TIFF), else null. */
  images: ImageJson[] | null;
  /** One-line reason when !ok, else null. */
  error: string | null;
  /**
   * The whole OMERO server could not be used (unreachable, login refused, a server error): no
   * fileset is at fault. The DropBox pauses its queue and this run does not count as an attempt.
   */
  serverProblem?: ServerProblem;
}

export interface RunOptions {
  /** Aborting kills the child / stops the copy; the outcome is ok:false retryable:true. */
  signal: AbortSignal;
  /** Hard limit for the run (SIGTERM, then SIGKILL after a grace period). */
  timeoutMs: number;
  /**
   * Each child process the run starts, as soon as it runs (its pid is its process group): the
   * DropBox records it, so after its own crash it finds an import still running (issue 19).
   */
  onSpawn?: (pgid: number) => void;
}

export type RecoverResult = { state: "done"; outcome: ImportOutcome } | { state: "redo" };

export interface Importer {
  readonly kind: "local" | "omero" | "exec";
  run(req: ImportRequest, opts: RunOptions): Promise<ImportOutcome>;
  /** Crash recovery for a job found 'importing' at start. */
  recover(req: ImportRequest, lastTarget: string | null): Promise<RecoverResult>;
  /**
   * A run that finished but does not count (a member changed during it; the fileset is imported
   * again once finished): take back what it left, so the fileset is not there twice. Only the
   * local importer can (its own leaf); what `omero` or `exec` handed on stays where it went.
   */
  discard?(req: ImportRequest, outcome: ImportOutcome): Promise<void>;
  /**
   * The fileset's outcome is in the ledger now: what the importer kept so that `recover` could
   * learn it (the exec runner's record) can go.
   */
  forget?(filesetId: number): void;
  /**
   * omero only: can OMERO be used again? A login, as cheap as it can be made (the admin's stored
   * session is reused). Null: yes; else what is still wrong.
   */
  probe?(signal?: AbortSignal): Promise<ServerProblem | null>;
  /**
   * omero only: what OMERO's importer makes of these files (one `omero import -f` for all, with
   * the watch's import arguments, in this order: a file an earlier group uses is not tried again):
   * its filesets. Throws when the importer could not answer.
   */
  usedFiles?(watch: WatchConfig, paths: string[], signal?: AbortSignal): Promise<UsedFilesGroup[]>;
}

export interface ImporterDeps {
  /** The DropBox winston logger (DropBox.log). */
  log: Logger;
  /** Environment (OMERO_FS_OMERO_PASSWORD; passed to children); default process.env. Tests inject. */
  env?: NodeJS.ProcessEnv;
  /** SIGTERM-to-SIGKILL grace for a killed run; default 5000 ms. Tests shrink it. */
  killGraceMs?: number;
  /** Clock in ms (leaf names, session-key expiry); default Date.now. */
  now?: () => number;
  /** Parent of the omero importer's per-user OMERO_SESSIONDIRs; default <home>/var/omero-sessions. */
  omeroSessionsDir?: string;
  /** Where the exec importer's runs record how they ended; default <home>/var/exec-runs. */
  execRunsDir?: string;
}

/** Signature of `createImporter` in ./index.ts; throws ImporterConfigError on a bad setting. */
export type CreateImporter = (config: OmeroFsConfig, deps: ImporterDeps) => Importer;
