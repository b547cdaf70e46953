/**
 * `omero-fs omero check [--json]`: is the OMERO side ready for the first drop (issue 20)? The
 * checks are the DropBox's own (@omero-fs/dropbox importers/check.ts), run here through the same
 * OMERO CLI with the same settings. Exit 0 when none failed, 1 otherwise.
 */
import type { Logger, OmeroFsConfig } from "@omero-fs/config";
import type { OmeroCheckJson } from "@omero-fs/protocol";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError } from "../errors";

/** The checks log nothing of their own here: each result is printed. */
const quiet = { debug() {}, info() {}, warn() {}, error() {}, log() {} } as unknown as Logger;

/** Run the checks for a loaded configuration (also `config check --connect`). */
export async function runOmeroCheck(config: OmeroFsConfig): Promise<OmeroCheckJson> {
  const { checkOmero } = require("@omero-fs/dropbox/omero") as typeof import("@omero-fs/dropbox/omero");
  const { omeroSessionsDir } = require("@omero-fs/dropbox/omero") as typeof import("@omero-fs/dropbox/omero");
  const r = await checkOmero(config, {
    env: process.env,
    sessionsDir: omeroSessionsDir(config),
    log: quiet,
    killGraceMs: 2000,
  });
  return { ok: r.ok, server: r.server, admin: r.admin, checks: r.checks };
}

export function omeroCheckText(r: OmeroCheckJson): string {
  const { checkText } = require("@omero-fs/dropbox/omero") as typeof import("@omero-fs/dropbox/omero");
  return checkText(r);
}

export const omeroCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "omero",
  describe:
    "The OMERO side: omero check (login, versions, the Java importer, import arguments, users, in-place transfers)",
  builder: (y) =>
    y
      .command<GlobalArgs & { json?: boolean }>(
        "check",
        "Check the OMERO side before the first drop; each result with what to fix; exit 1 when one fails",
        (yy) => yy.option("json", { type: "boolean", describe: "machine-readable output (OmeroCheckJsonSchema)" }),
        async (a) => {
          const { loadConfigOrThrow } = await import("@omero-fs/config");
          const config = loadConfigOrThrow({ home: homeOf(a) });
          if (config.global.importer !== "omero")
            throw new CliError(
              `omero.fs.importer is ${config.global.importer}: nothing to check on the OMERO side (set omero.fs.importer omero first; docs/omero.md)`,
            );
          const r = await runOmeroCheck(config);
          process.stdout.write(a.json ? `${JSON.stringify(r)}\n` : `${omeroCheckText(r)}\n`);
          if (!r.ok) {
            if (a.json) process.exitCode = 1;
            else
              throw new CliError(
                `omero check: ${r.checks.filter((c) => c.ok === false).length} check(s) failed (listed above)`,
              );
          }
        },
      )
      .demandCommand(1, "Give an omero command: check."),
  handler: () => undefined,
};
