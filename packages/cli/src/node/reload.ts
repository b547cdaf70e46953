/**
 * `omero-fs admin reload` / SIGHUP: re-read the config, apply the node's own live properties (HTTP,
 * notifications, log levels: NodeLive), let the DropBox apply what it can live (it re-reads the
 * config itself), and report every other changed property as needing a restart. Which is which:
 * @omero-fs/config's reloadClass, the one classification `config set` uses too.
 */
import {
  DROPBOX_LIVE_GLOBALS,
  type Logger,
  loadConfigOrThrow,
  NODE_LIVE_GLOBALS,
  type OmeroFsConfig,
  reloadClass,
} from "@omero-fs/config";
import { DropBoxMethodResults } from "@omero-fs/protocol";
import { localControlClient } from "@omero-fs/protocol/zmq";

/** The `admin reload --json` shape. */
export interface ReloadResult {
  /** Changed properties (omero.fs.* names; with several watches, a watch property as `name (watch N)`, N from 1). */
  changed: string[];
  /** Changed and now in effect in the running servers. */
  applied: string[];
  /** Changed but only in effect after `omero-fs admin restart`. */
  restart: string[];
  /** What could not be applied now, with why (the DropBox did not answer, a watch's MonitorServer is down). */
  notApplied: string[];
  /** Why the configuration was refused (each problem, one line each); nothing changed then. */
  problems: string[];
}

/**
 * How long the node waits for the DropBox's reload: it re-creates the monitors a reload changed
 * (a few seconds each); a DropBox that does not answer in time is reported as not reloaded.
 */
const DROPBOX_RELOAD_MS = 30_000;

/** The problems of a configuration that does not load, one line each (a ConfigError lists them). */
export function configProblems(e: unknown): string[] | null {
  const problems = (e as { problems?: { message: string }[] } | null)?.problems;
  if (Array.isArray(problems)) return problems.map((p) => p.message);
  return null;
}

/** What the node applies itself; `failed` names a property it could not apply, with why. */
export type NodeLive = (after: OmeroFsConfig) => Promise<{ applied: string[]; failed: string[] }>;

/** Pure: the changed global properties, by name. */
export function changedGlobals(before: OmeroFsConfig, after: OmeroFsConfig): string[] {
  const b = before.global as unknown as Record<string, unknown>;
  const a = after.global as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

/**
 * Throws (with the config's problems) on a bad config: nothing is changed then. `started`: the
 * config the node and servers started with (a restart-only change is reported by every reload
 * until the restart); `current`: the one last applied live.
 */
export async function reloadConfig(
  home: string,
  started: OmeroFsConfig,
  current: OmeroFsConfig,
  log: Logger,
  node: NodeLive = async () => ({ applied: [], failed: [] }),
): Promise<{ result: ReloadResult; config: OmeroFsConfig }> {
  const fresh = loadConfigOrThrow({ home });
  const applied: string[] = [];
  const restart: string[] = [];
  const notApplied: string[] = [];
  for (const k of changedGlobals(started, fresh))
    if (reloadClass(k) === "restart" && !DROPBOX_LIVE_GLOBALS.has(k)) restart.push(`omero.fs.${k}`);
  const dropbox = localControlClient(home, started.global.dropboxControl);
  try {
    const r = await dropbox.call("reload", {}, DropBoxMethodResults.reload, DROPBOX_RELOAD_MS);
    applied.push(...r.applied);
    restart.push(...r.restart.filter((p) => !restart.includes(p)));
    notApplied.push(...(r.notApplied ?? []));
  } catch (e) {
    const msg = (e as Error).message;
    // A config the DropBox refuses (a readers file it cannot read) is refused as a whole, before
    // the node changes anything.
    if (msg.includes("config not reloaded")) throw new Error(msg.replace(/^.*?config not reloaded: /, ""));
    // A DropBox that is not running (or does not answer) reads the new config when it starts: said.
    const why = `DropBox not reloaded (${msg}): it reads the configuration when it starts; what changed for it is not in effect yet`;
    log.warn(`reload: ${why}`);
    notApplied.push(why);
  } finally {
    dropbox.close();
  }
  const nodeChanged = changedGlobals(current, fresh).filter((k) => NODE_LIVE_GLOBALS.has(k));
  const n = await node(fresh);
  applied.push(...n.applied.filter((p) => !applied.includes(p)));
  restart.push(...n.failed);
  for (const k of nodeChanged) {
    const name = `omero.fs.${k}`;
    if (!applied.includes(name) && !n.failed.some((f) => f.startsWith(`${name} `))) applied.push(name);
  }
  if (changedGlobals(current, fresh).includes("defaultDropBoxDir")) applied.push("omero.fs.defaultDropBoxDir");
  const result = { changed: [...applied, ...restart], applied, restart, notApplied, problems: [] };
  log.info(
    `reload: applied ${applied.join(", ") || "nothing"}; needs omero-fs admin restart: ${restart.join(", ") || "nothing"}${notApplied.length > 0 ? `; not applied: ${notApplied.join("; ")}` : ""}`,
  );
  return { result, config: fresh };
}
