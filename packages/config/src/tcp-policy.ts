/**
 * The TCP policy of this home's own servers, as `config check` and every server's start see it
 * (README "Across hosts: TCP, CURVE and ZAP"): a tcp:// control or event endpoint is CURVE with
 * etc/curve/server.key and etc/curve/authorized_keys, or plain only with omero.fs.insecureTcp=true.
 * A MonitorServer other hosts can reach serves only the folders of omero.fs.monitorRoots. Pure:
 * whether the key files exist is passed in.
 */
import * as path from "node:path";
import type { ConfigProblem, GlobalConfig } from "./types";

/** The key files of etc/curve the servers use, and whether they exist. */
export interface CurveFiles {
  dir: string;
  serverKey: boolean;
  authorizedKeys: boolean;
}

/** This home's server endpoints, by property short name, with what a stranger could do through each. */
const ENDPOINTS = [
  ["nodeControl", "stop the node and its servers"],
  ["dropboxControl", "start imports and rescans"],
  ["monitorBindControl", "create monitors and list folders"],
  ["monitorBindEvents", "read every file event"],
] as const;

export function tcpPolicyProblems(
  g: GlobalConfig,
  curve: CurveFiles,
): { problems: ConfigProblem[]; warnings: string[] } {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const serverKey = path.join(curve.dir, "server.key");
  const authorized = path.join(curve.dir, "authorized_keys");
  for (const [key, risk] of ENDPOINTS) {
    const ep = g[key];
    if (!ep.startsWith("tcp://")) continue;
    const property = `omero.fs.${key}`;
    // With a server key the servers use CURVE, insecureTcp or not, and then need authorized_keys.
    if (!curve.serverKey && g.insecureTcp) {
      warnings.push(
        `${property}: ${ep} is plain TCP (omero.fs.insecureTcp=true): unencrypted, and anyone who can reach the port can ${risk}`,
      );
      continue;
    }
    const missing = !curve.serverKey ? serverKey : !curve.authorizedKeys ? authorized : null;
    if (missing === null) continue;
    problems.push({
      property,
      slot: null,
      message: `${property}: ${ep} is a TCP endpoint, but ${missing} does not exist: without CURVE anyone who can reach the port could ${risk}. Write the server's keys with \`omero-fs curve keygen server\` and list the clients allowed (the content of each one's client.pub) in ${authorized}, or set omero.fs.insecureTcp=true for plain TCP`,
    });
  }
  if (g.monitorBindControl.startsWith("tcp://") && g.monitorRoots.length === 0)
    problems.push({
      property: "omero.fs.monitorRoots",
      slot: null,
      message: `omero.fs.monitorRoots: empty, but omero.fs.monitorBindControl is ${g.monitorBindControl}: a MonitorServer other hosts can reach watches and lists only the folders given there; set it to the folders the remote DropBoxes watch (e.g. omero-fs config set monitorRoots /export/data/DropBox)`,
    });
  return { problems, warnings };
}

/**
 * The folders the MonitorServer of this home may watch and list: omero.fs.monitorRoots, or when
 * empty the watch folders of this home's configuration (what its own DropBox watches).
 */
export function monitorRootsOf(g: Pick<GlobalConfig, "monitorRoots">, watchDirs: readonly string[]): string[] {
  return g.monitorRoots.length > 0 ? [...g.monitorRoots] : [...new Set(watchDirs)];
}
