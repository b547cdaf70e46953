/**
 * One MonitorLink per MonitorServer the watches need (omero.fs.monitorControl/monitorEvents per
 * watch, issue 13): the local one (empty slots) and each remote one, shared by the watches on it.
 * Each link has its own liveness (pid, down since, last contact), so a remote MonitorServer can be
 * unreachable while the others work; the DropBox server runs the health check, reconnect and
 * catch-up per link.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { OmeroFsConfig, WatchConfig } from "@omero-fs/config";
import type { EventBlock, RemoteMonitor } from "@omero-fs/protocol";
import { type CurveClientKeys, curveDir, loadClientCurve, loadLocalCurve, noAnswerHint } from "@omero-fs/protocol/zmq";
import { MonitorLink } from "./monitor-link";

/** Fresh sockets for a silent remote MonitorServer after this long, doubling up to RENEW_MAX_MS. */
const RENEW_FIRST_MS = 2000;
const RENEW_MAX_MS = 30_000;

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
  /** Replaced by renew(): read it each time. */
  link: MonitorLink;
  private renewDelay = RENEW_FIRST_MS;
  private renewAt = 0;

  constructor(
    readonly key: string,
    readonly control: string,
    readonly events: string,
    /** The MonitorServer this node runs (empty slots, or a slot naming monitorBindControl). */
    readonly local: boolean,
    private readonly make: () => MonitorLink,
    /** What may be wrong when it does not answer (a wrong server key, with CURVE). */
    readonly noAnswer: string = noAnswerHint(false),
  ) {
    this.link = make();
  }

  /**
   * A remote MonitorServer silent for a while gets fresh sockets, with backoff: a CURVE handshake
   * the server refused (key not yet authorised) is not retried by ZeroMQ on the old ones, and sends
   * queued on a dead connection would wait behind it. The local one keeps its ipc sockets.
   */
  renewIfDue(now: number): boolean {
    if (this.local || this.downSince === null || now < Math.max(this.renewAt, this.downSince + RENEW_FIRST_MS))
      return false;
    this.link.close();
    this.link = this.make();
    this.link.subscribe();
    this.renewAt = now + this.renewDelay;
    this.renewDelay = Math.min(RENEW_MAX_MS, this.renewDelay * 2);
    return true;
  }

  /** An answer arrived (ping): returns true when it is a different process than before. */
  answered(pid: number, now: number): boolean {
    const restarted = this.pid !== null && pid !== this.pid;
    this.pid = pid;
    this.down = false;
    this.downSince = null;
    this.lastContact = now;
    this.renewDelay = RENEW_FIRST_MS;
    this.renewAt = 0;
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

/**
 * The CURVE keys of a link to a tcp:// MonitorServer, or null for plain transport (ipc, or TCP
 * with omero.fs.insecureTcp=true and no server key). Throws with the fix when keys are missing.
 * A remote MonitorServer: this DropBox's etc/curve/client.key (its client.pub must be in that
 * server's authorized_keys) and the server's key from omero.fs.monitorServerKey. The local one on
 * TCP: this home's server pair, which its ZAP handler always accepts.
 */
export function curveKeysFor(
  w: WatchConfig | null,
  control: string,
  config: OmeroFsConfig,
  home: string,
): CurveClientKeys | null {
  if (!control.startsWith("tcp://")) return null;
  const dir = curveDir(home);
  try {
    if (!w?.monitorControl) {
      if (fs.existsSync(path.join(dir, "server.key"))) return loadLocalCurve(dir);
    } else if (w.monitorServerKey !== "") return loadClientCurve(dir, w.monitorServerKey);
  } catch (e) {
    throw new Error(`MonitorServer at ${control}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (config.global.insecureTcp) return null;
  throw new Error(
    `MonitorServer at ${control}: plain TCP is refused: set omero.fs.monitorServerKey for this watch (that server's server.pub) or omero.fs.insecureTcp=true`,
  );
}

export class MonitorLinks {
  private readonly byKey = new Map<string, LinkEntry>();
  private readonly ofWatch = new Map<number, LinkEntry>();

  constructor(
    config: OmeroFsConfig,
    private readonly home: string,
    private readonly onBlock: (entry: LinkEntry, block: EventBlock) => void,
    private readonly onBadBlock: (entry: LinkEntry, msg: string) => void,
  ) {
    for (const w of config.watches) this.ensure(w, config);
  }

  /** The link of a watch, made (not yet subscribed or connected: `created`) when its MonitorServer has none. */
  ensure(w: WatchConfig, config: OmeroFsConfig): { entry: LinkEntry; created: boolean } {
    const known = this.ofWatch.get(w.index);
    if (known) return { entry: known, created: false };
    const g = config.global;
    const { control, events } = endpointsOf(w, config);
    const key = `${control} ${events}`;
    let entry = this.byKey.get(key);
    const created = !entry;
    if (!entry) {
      const local = control === g.monitorBindControl && events === g.monitorBindEvents;
      const curve = curveKeysFor(local ? null : w, control, config, this.home);
      const make = (): MonitorLink =>
        new MonitorLink(
          control,
          events,
          (b) => this.onBlock(entry!, b),
          (m) => this.onBadBlock(entry!, m),
          curve ?? undefined,
          local ? "" : `${os.hostname()}:${this.home}`,
        );
      const keySetting = local ? "etc/curve/server.key" : `omero.fs.monitorServerKey of watch ${w.index + 1}`;
      entry = new LinkEntry(key, control, events, local, make, noAnswerHint(curve !== null, keySetting));
      this.byKey.set(key, entry);
    }
    entry.watches.push(w.index);
    this.ofWatch.set(w.index, entry);
    return { entry, created };
  }

  /** The link of a watch, if it has one yet (a watch a reload added gets it when it starts). */
  find(watch: number): LinkEntry | undefined {
    return this.ofWatch.get(watch);
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
        ...(e.down ? { hint: e.noAnswer } : {}),
      }));
  }

  close(): void {
    for (const e of this.all()) e.link.close();
  }
}
