/**
 * The three importers of the DropBox (docs/ARCHITECTURE.md, "DropBox pipeline"; README.md beside this file).
 * `createImporter` validates every importer setting once and throws ImporterConfigError naming
 * the property to fix; `run` never throws for an import failure.
 */
import * as path from "node:path";
import type { OmeroFsConfig } from "@omero-fs/config";
import { parseExecTemplate, splitSetting, transferInArgs } from "./argv";
import { ImporterConfigError } from "./errors";
import { ExecImporter } from "./exec";
import { LocalImporter } from "./local";
import { checkPasswordSource, OmeroImporter } from "./omero";
import { omeroSessionsDir } from "./omero-cli";
import type { Importer, ImporterDeps } from "./types";

export { shellSplit, ShellSplitError } from "./shell-split";
export { ImporterConfigError } from "./errors";
export type { ImporterErrorCode } from "./errors";
export { parseImportIds, expandExecTemplate, omeroImportArgv, omeroLoginArgv } from "./argv";
export { OmeroCli, ADMIN_STORE, omeroSessionsDir } from "./omero-cli";
export { checkOmero, checkText, cliFor, type CheckReport } from "./check";
export { OmeroImporter } from "./omero";
export * from "./omero-output";
export { verifyLeaf } from "./local";
export type { LocalManifest } from "./local";
export * from "./types";

/** SIGTERM first; SIGKILL this long after (the DropBox itself must stop within 10 s). */
export const DEFAULT_KILL_GRACE_MS = 5000;

export function createImporter(config: OmeroFsConfig, deps: ImporterDeps): Importer {
  const g = config.global;
  const env = deps.env ?? process.env;
  const killGraceMs = deps.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  switch (g.importer) {
    case "local":
      return new LocalImporter({
        dataDir: g.dataDir,
        log: deps.log,
        now: deps.now ? () => new Date(deps.now!()) : undefined,
      });
    case "omero":
      checkPasswordSource(g.omeroPasswordFile, env);
      // Fail at start, not at the first import, on an importArgs a shell could not split.
      for (const w of config.watches) {
        const named = transferInArgs(splitSetting(w.importArgs, "omero.fs.importArgs", w.index));
        if (named !== null && w.transfer !== "upload")
          throw new ImporterConfigError(
            "IMPORTER_TRANSFER_TWICE",
            `omero.fs.importArgs (watch ${w.index + 1}) says --transfer ${named} and omero.fs.transfer says ${w.transfer}: keep only omero.fs.transfer`,
          );
      }
      return new OmeroImporter({
        bin: g.omeroBin || "omero",
        server: g.omeroServer,
        port: g.omeroPort,
        admin: g.omeroAdmin,
        passwordFile: g.omeroPasswordFile,
        env,
        sessionsDir: omeroSessionsDir(config, deps),
        log: deps.log,
        killGraceMs,
        now: deps.now ?? Date.now,
      });
    case "exec":
      return new ExecImporter({
        template: parseExecTemplate(g.execCommand),
        env,
        log: deps.log,
        killGraceMs,
        runsDir: deps.execRunsDir ?? path.join(g.home, "var", "exec-runs"),
      });
    default:
      throw new ImporterConfigError(
        "IMPORTER_UNKNOWN_KIND",
        `omero.fs.importer: unknown importer ${String(g.importer)}`,
      );
  }
}
