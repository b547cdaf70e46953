/**
 * One MonitorLink per MonitorServer the watches need (omero.fs.monitorControl/monitorEvents per
 * watch, issue 13): the local one (empty slots) and each remote one, shared by the watches on it.
 * Each link has its own liveness (pid, down since, last contact), so a remote MonitorServer can be
 * unreachable while the others work; the DropBox server runs the health check, reconnect and
 * catch-up per link.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { homePaths, type OmeroFsConfig, type WatchConfig, Z85_KEY_RE } from "@omero-fs/config";
import type { EventBlock, RemoteMonitor } from "@omero-fs/protocol";
import { type CurveClientKeys, MonitorLink } from "./monitor-link";

/** One MonitorServer as the DropBox sees it. */
export class LinkEntry {
  /** pid of the MonitorServer at the last answer (a new one = a restart). */
  pid: number | null = null;
  /** Did not answer the last ping (or has never answered). */
  down = true;
  /** Epoch ms of the last answer; null: never answered. */
  lastContact: number | null = null;
  /** Epoch ms since when it does not answer (null while it answers). */
  downSince: number | null = null;
  healthBusy = false;
  readonly watches: number[] = [];

  constructor(
    readonly key: string,
    readonly control: string,
    readonly events: string,
    /** The MonitorServer this node runs (empty slots, or a slot naming monitorBindControl). */
    readonly local: boolean,
    readonly link: MonitorLink,
  ) {}

  /** An answer arrived (ping): returns true when it is a different process than before. */
  answered(pid: number, now: number): boolean {
    const restarted = this.pid !== null && pid !== this.pid;
    this.pid = pid;
    this.down = false;
    this.downSince = null;
    this.lastContact = now;
    return restarted;
  }

  silent(now: number): void {
    this.down = true;
    this.downSince ??= now;
  }
}

/** The endpoints of a watch's MonitorServer: its slot, or the local one for an empty slot. */
export function endpointsOf(w: WatchConfig, config: OmeroFsConfig): { control: string; events: string } {
  const g = config.global;
  return w.monitorControl === ""
    ? { control: g.monitorBindControl, events: g.monitorBindEvents }
    : { control: w.monitorControl, events: w.monitorEvents };
}

/** A Z85 key from a value or from the file it names (first 40-character Z85 word in it). */
function readKey(valueOrFile: string, what: string): string {
  if (Z85_KEY_RE.test(valueOrFile)) return valueOrFile;
  let text: string;
  try {
    text = fs.readFileSync(valueOrFile, "utf8");
  } catch (e) {
    throw new Error(`${what}: cannot read ${valueOrFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const key = /(?:^|\s)([0-9A-Za-z.:+=^!/*?&<>()[\]{}@%$#-]{40})(?:\s|$)/.exec(text)?.[1];
  if (!key) throw new Error(`${what}: ${valueOrFile} holds no Z85 CURVE key (40 characters)`);
  return key;
}

/**
 * The CURVE keys of a link to a tcp:// MonitorServer, or null for plain transport (ipc, or TCP
 * with omero.fs.insecureTcp=true and no server key). Throws with the fix when keys are missing.
 */
export function curveKeysFor(
  w: WatchConfig | null,
  control: string,
  config: OmeroFsConfig,
  home: string,
): CurveClientKeys | null {
  if (!control.startsWith("tcp://")) return null;
  const curveDir = path.join(homePaths(home).etc, "curve");
  let serverKey = w?.monitorServerKey ?? "";
  // The local MonitorServer on TCP: its own public key next to its secret one.
  if (serverKey === "" && !w?.monitorControl && fs.existsSync(path.join(curveDir, "server.pub")))
    serverKey = path.join(curveDir, "server.pub");
  if (serverKey === "") {
    if (config.global.insecureTcp) return null;
    throw new Error(
      `${control}: plain TCP is refused: set omero.fs.monitorServerKey for this watch (the MonitorServer's server.pub) or omero.fs.insecureTcp=true`,
    );
  }
  const fix = `create it with \`omero-fs curve keygen client\` and add client.pub to the MonitorServer's etc/curve/authorized_keys`;
  const keyFile = path.join(curveDir, "client.key");
  const pubFile = path.join(curveDir, "client.pub");
  if (!fs.existsSync(keyFile)) throw new Error(`${control}: CURVE needs this DropBox's ${keyFile}: ${fix}`);
  return {
    serverKey: readKey(serverKey, "omero.fs.monitorServerKey"),
    secretKey: readKey(keyFile, "client key"),
    publicKey: readKey(pubFile, "client public key"),
  };
}

export class MonitorLinks {
  private readonly byKey = new Map<string, LinkEntry>();
  private readonly ofWatch = new Map<number, LinkEntry>();

  constructor(
    config: OmeroFsConfig,
    home: string,
    onBlock: (entry: LinkEntry, block: EventBlock) => void,
    onBadBlock: (entry: LinkEntry, msg: string) => void,
  ) {
    const g = config.global;
    for (const w of config.watches) {
      const { control, events } = endpointsOf(w, config);
      const key = `${control} ${events}`;
      let entry = this.byKey.get(key);
      if (!entry) {
        const local = control === g.monitorBindControl && events === g.monitorBindEvents;
        const curve = curveKeysFor(local ? null : w, control, config, home);
        const link: MonitorLink = new MonitorLink(
          control,
          events,
          (b) => onBlock(entry!, b),
          (m) => onBadBlock(entry!, m),
          curve ?? undefined,
        );
        entry = new LinkEntry(key, control, events, local, link);
        this.byKey.set(key, entry);
      }
      entry.watches.push(w.index);
      this.ofWatch.set(w.index, entry);
    }
  }

  of(watch: number): LinkEntry {
    const e = this.ofWatch.get(watch);
    if (!e) throw new Error(`watch ${watch + 1} has no MonitorServer link`);
    return e;
  }

  all(): LinkEntry[] {
    return [...this.byKey.values()];
  }

  /** The remote MonitorServers, for `status` (empty when every watch uses the local one). */
  remoteStatus(): RemoteMonitor[] {
    return this.all()
      .filter((e) => !e.local)
      .map((e) => ({
        control: e.control,
        events: e.events,
        state: e.down ? ("unreachable" as const) : ("connected" as const),
        lastContact: e.lastContact === null ? null : new Date(e.lastContact).toISOString(),
        watches: e.watches.map((i) => i + 1),
      }));
  }

  close(): void {
    for (const e of this.all()) e.link.close();
  }
}
