/**
 * `omero-fs admin reload` / SIGHUP: re-read the config, let the DropBox apply what it can live
 * (it re-reads the config itself), and report every other changed property as needing a restart.
 */
import { type Logger, loadConfigOrThrow, type OmeroFsConfig } from "@omero-fs/config";
import { DropBoxMethodResults } from "@omero-fs/protocol";
import { ControlClient } from "@omero-fs/protocol/zmq";

/** The `admin reload --json` shape. */
export interface ReloadResult {
  /** Changed properties (omero.fs.* names; with several watches, a watch property as name[index]). */
  changed: string[];
  /** Changed and now in effect in the running servers. */
  applied: string[];
  /** Changed but only in effect after `omero-fs admin restart`. */
  restart: string[];
}

/** Global properties the DropBox applies live (it reports them itself). */
const DROPBOX_LIVE = new Set(["importConcurrency", "importRetries", "importTimeout", "reimportModified"]);

/** Pure: the changed global properties, by name. */
export function changedGlobals(before: OmeroFsConfig, after: OmeroFsConfig): string[] {
  const b = before.global as unknown as Record<string, unknown>;
  const a = after.global as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

/** Throws (with the config's problems) on a bad config: nothing is changed then. */
export async function reloadConfig(
  home: string,
  running: OmeroFsConfig,
  log: Logger,
): Promise<{ result: ReloadResult; config: OmeroFsConfig }> {
  const fresh = loadConfigOrThrow({ home });
  const applied: string[] = [];
  const restart: string[] = [];
  for (const k of changedGlobals(running, fresh)) if (!DROPBOX_LIVE.has(k)) restart.push(`omero.fs.${k}`);
  const dropbox = new ControlClient(running.global.dropboxControl);
  try {
    const r = await dropbox.call("reload", {}, DropBoxMethodResults.reload, 10_000);
    applied.push(...r.applied);
    restart.push(...r.restart.filter((p) => !restart.includes(p)));
  } catch (e) {
    // A DropBox that is not running reads the new config when it starts.
    log.info(`reload: DropBox not reloaded (${(e as Error).message}); it reads the config when it starts`);
  } finally {
    dropbox.close();
  }
  const result = { changed: [...applied, ...restart], applied, restart };
  log.info(
    `reload: applied ${applied.join(", ") || "nothing"}; needs omero-fs admin restart: ${restart.join(", ") || "nothing"}`,
  );
  return { result, config: fresh };
}
