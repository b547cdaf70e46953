import * as path from "node:path";
import { EVENT_TYPES, MAX_TIMER_SECONDS, PROPERTIES, type PropertyDef } from "./properties";
import { slotLabel } from "./names";
import { defaultRaw } from "./property-lookup";
import { type CurveFiles, tcpPolicyProblems } from "./tcp-policy";
import {
  type ConfigProblem,
  type GlobalConfig,
  type OmeroFsConfig,
  OmeroFsConfigSchema,
  type WatchConfig,
} from "./types";

/**
 * Turning raw property strings into the typed configuration. Pure apart from the injected
 * readers-file check: the rules of OMERO's docs (`;` slots, `,` items, empty slot = default).
 */

export type ConfigSource = "default" | "templates.xml" | "config.json" | "env";

export interface RawValue {
  raw: string;
  source: ConfigSource;
  /** Where exactly: "templates.xml:12", "config.json", "OMERO_FS_DIR_IMPORT_WAIT". */
  origin: string;
}

/** Checks a readers file; returns a message when it cannot be used, null when fine. */
export type ReadersFileCheck = (file: string) => string | null;

export interface ResolveInput {
  home: string;
  /** Effective raw value of each property that some source set, by full name. */
  values: Map<string, RawValue>;
  checkReadersFile?: ReadersFileCheck;
  /** Which of etc/curve's key files exist (default: none). */
  curve?: CurveFiles;
}

export interface ResolveResult {
  /** Best-effort configuration: a slot or setting with a problem holds its default. */
  effective: OmeroFsConfig | null;
  problems: ConfigProblem[];
  warnings: string[];
}

/** Boolean spellings accepted (case-insensitive). OMERO's own parser only looks at a leading T/t. */
const TRUE = new Set(["true", "yes", "1"]);
const FALSE = new Set(["false", "no", "0"]);

export function parseBool(s: string): boolean | null {
  const v = s.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return null;
}

/** `,` items, trimmed, empty items dropped. */
export function splitItems(s: string): string[] {
  return s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
}

/** `;` slots, trimmed (a value without `;` is one slot). */
export function splitSlots(s: string): string[] {
  return s.split(";").map((x) => x.trim());
}

/** A CURVE key in Z85: 40 characters of the Z85 alphabet. */
export const Z85_KEY_RE = /^[0-9A-Za-z.:+=^!/*?&<>()[\]{}@%$#-]{40}$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([kKmMgG])?(i?[bB])?$/;

type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

/** The upper bound of a number property: its own, or the timer limit for a duration. */
function maxOf(def: PropertyDef): number | undefined {
  return def.max ?? (def.seconds ? MAX_TIMER_SECONDS : undefined);
}

function bounds(def: PropertyDef): string {
  const max = maxOf(def);
  if (def.minUnlessZero !== undefined) return `0 (never) or between ${def.minUnlessZero} and ${max} seconds`;
  if (def.seconds) return `${def.min ?? 0} or more seconds, at most ${max}`;
  if (def.min !== undefined && max !== undefined) return `between ${def.min} and ${max}`;
  if (def.min !== undefined) return def.min === 0 ? "0 or more" : `${def.min} or more`;
  return "a number";
}

/** Parse one slot (or a global value) of a property; `s` is already trimmed and non-empty. */
export function parseValue(def: PropertyDef, s: string): Parsed<unknown> {
  switch (def.kind) {
    case "users":
    case "string":
      return { ok: true, value: s };
    case "dir":
    case "file":
      if (!path.isAbsolute(s)) return { ok: false, why: `"${s}" is not an absolute path; give a path starting with /` };
      // resolve() also drops a trailing slash, so "/a" and "/a/" are the same directory.
      return { ok: true, value: path.resolve(s) };
    case "list":
      return { ok: true, value: splitItems(s) };
    case "dirs": {
      const items = splitItems(s);
      const bad = items.find((d) => !path.isAbsolute(d));
      if (bad !== undefined)
        return { ok: false, why: `"${bad}" is not an absolute path; give folders starting with /` };
      return { ok: true, value: items.map((d) => path.resolve(d)) };
    }
    case "eventTypes": {
      const out = new Set<string>();
      for (const item of splitItems(s)) {
        if (item.toLowerCase() === "all") {
          for (const t of EVENT_TYPES) out.add(t);
          continue;
        }
        const t = EVENT_TYPES.find((e) => e.toLowerCase() === item.toLowerCase());
        if (!t)
          return { ok: false, why: `"${item}" is not an event type; allowed: ${[...EVENT_TYPES, "All"].join(", ")}` };
        out.add(t);
      }
      if (out.size === 0)
        return { ok: false, why: `no event type given; allowed: ${[...EVENT_TYPES, "All"].join(", ")}` };
      return { ok: true, value: EVENT_TYPES.filter((t) => out.has(t)) };
    }
    case "enum": {
      const allowed = def.allowed ?? [];
      const v = allowed.find((a) => a.toLowerCase() === s.toLowerCase());
      if (v === undefined) return { ok: false, why: `"${s}" is not allowed; use one of ${allowed.join(", ")}` };
      return { ok: true, value: v };
    }
    case "bool": {
      const b = parseBool(s);
      if (b === null) return { ok: false, why: `"${s}" is not a boolean; use true/false, True/False, yes/no or 1/0` };
      return { ok: true, value: b };
    }
    case "int":
    case "number": {
      if (!NUMBER_RE.test(s)) return { ok: false, why: `"${s}" is not a number; expected ${bounds(def)}` };
      const v = Number(s);
      if (def.kind === "int" && !Number.isInteger(v))
        return { ok: false, why: `"${s}" is not a whole number; expected a whole number ${bounds(def)}` };
      // A Node timer longer than 2^31-1 ms fires at once: a huge wait would become a busy loop.
      if (def.seconds && v > MAX_TIMER_SECONDS)
        return {
          ok: false,
          why: `${s} s is longer than a timer can wait; the maximum is ${MAX_TIMER_SECONDS} s (about 24.8 days)`,
        };
      const max = maxOf(def);
      if (
        (def.min !== undefined && v < def.min) ||
        (max !== undefined && v > max) ||
        (def.minUnlessZero !== undefined && v !== 0 && v < def.minUnlessZero)
      )
        return { ok: false, why: `${s} is out of range; expected ${bounds(def)}` };
      return { ok: true, value: v };
    }
    case "size": {
      const m = SIZE_RE.exec(s);
      if (!m) return { ok: false, why: `"${s}" is not a size; give bytes, optionally with K, M or G (e.g. 10M)` };
      const mult = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? "").toLowerCase()] ?? 1;
      const v = Math.floor(Number(m[1]) * mult);
      if (def.min !== undefined && v < def.min)
        return { ok: false, why: `${s} is too small; expected at least ${def.min} bytes` };
      return { ok: true, value: v };
    }
    case "listen": {
      if (s.toLowerCase() === "off") return { ok: true, value: "off" };
      const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(s);
      if (!m || Number(m[2]) > 65535)
        return { ok: false, why: `"${s}" is not host:port (e.g. 127.0.0.1:4095, 0.0.0.0:4095, [::1]:4095) or off` };
      return { ok: true, value: s };
    }
    case "curveKey": {
      if (Z85_KEY_RE.test(s)) return { ok: true, value: s };
      if (path.isAbsolute(s)) return { ok: true, value: path.resolve(s) };
      // Relative: a file in <home>/etc/curve (e.g. storage1.pub copied from the storage host).
      if (s.endsWith(".pub") && !s.split("/").includes("..")) return { ok: true, value: s };
      return {
        ok: false,
        why: `"${s}" is neither a Z85 CURVE public key (40 characters) nor the path of a .pub file (absolute, or relative to etc/curve)`,
      };
    }
    case "pathMap": {
      // REMOTE=LOCAL: split at the first "=/" so an "=" inside the remote path is kept.
      const m = /^(\/.*?)=(\/.*)$/.exec(s);
      if (!m)
        return { ok: false, why: `"${s}" is not REMOTE=LOCAL with two absolute paths (e.g. /export/data=/mnt/data)` };
      return { ok: true, value: { remote: path.resolve(m[1]!), local: path.resolve(m[2]!) } };
    }
    case "endpoint": {
      if (/^ipc:\/\/\/.+/.test(s)) return { ok: true, value: s };
      if (/^tcp:\/\/[^:/\s]+:\d{1,5}$/.test(s)) return { ok: true, value: s };
      return { ok: false, why: `"${s}" is not an endpoint; use ipc:///absolute/path.sock or tcp://host:port` };
    }
  }
}

/** The one-line text of a problem (its message already names property and slot). */
export function formatProblem(p: ConfigProblem): string {
  return p.message;
}

/** Validate a value for `config set` (syntax of each slot only; cross-property rules are `check`'s). */
export function validateRaw(def: PropertyDef, raw: string): string | null {
  const parts = def.scope === "watch" && def.kind !== "users" ? splitSlots(raw) : [raw.trim()];
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i]!;
    if (s === "" || def.kind === "users") continue;
    const r = parseValue(def, s);
    if (!r.ok) return parts.length > 1 ? `slot ${i + 1}: ${r.why}` : r.why;
  }
  return null;
}

/** The typed default of a property ("" stays "" and an empty list is []). */
export function defaultValue(def: PropertyDef, home: string): unknown {
  const raw = defaultRaw(def, home);
  if (raw === "") return def.kind === "list" || def.kind === "dirs" ? [] : def.kind === "pathMap" ? null : "";
  const r = parseValue(def, raw);
  if (!r.ok) throw new Error(`bad default for ${def.name}: ${r.why}`);
  return r.value;
}

/** Resolve raw values into the typed configuration. */
export function resolveConfig(input: ResolveInput): ResolveResult {
  const { home } = input;
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const rawOf = (def: PropertyDef): string => input.values.get(def.name)?.raw ?? defaultRaw(def, home);
  const fromWhere = (def: PropertyDef): string => {
    const v = input.values.get(def.name);
    return v && v.source !== "default" ? ` [${v.origin}]` : "";
  };

  // Globals.
  const global: Record<string, unknown> = { home };
  for (const def of PROPERTIES) {
    if (def.scope !== "global") continue;
    const s = rawOf(def).trim();
    const fallback = defaultValue(def, home);
    if (s === "") {
      global[def.short] = fallback;
      continue;
    }
    const r = parseValue(def, s);
    if (r.ok) global[def.short] = r.value;
    else {
      problems.push({ property: def.name, slot: null, message: `${def.name}${fromWhere(def)}: ${r.why}` });
      global[def.short] = fallback;
    }
  }
  const g = global as GlobalConfig;
  // TCP needs CURVE keys or insecureTcp; the servers refuse it otherwise, and so does `config check`.
  const tcp = tcpPolicyProblems(
    g,
    input.curve ?? { dir: path.join(home, "etc", "curve"), serverKey: false, authorizedKeys: false },
  );
  problems.push(...tcp.problems);
  warnings.push(...tcp.warnings);
  if (g.importer === "exec" && g.execCommand.trim() === "")
    problems.push({
      property: "omero.fs.execCommand",
      slot: null,
      message: "omero.fs.execCommand: empty, but omero.fs.importer=exec needs a command template",
    });

  problems.push(...notifyHttpProblems(g));
  const isSet = (name: string): boolean => {
    const v = input.values.get(name);
    return v !== undefined && v.source !== "default" && v.raw.trim() !== "";
  };
  if (isSet("omero.fs.reimportModified")) {
    const def = PROPERTIES.find((p) => p.short === "reimportModified")!;
    if (isSet("omero.fs.changedAfterImport"))
      warnings.push(
        `omero.fs.reimportModified${fromWhere(def)} is deprecated and ignored: omero.fs.changedAfterImport=${g.changedAfterImport} is set and wins; remove reimportModified`,
      );
    else {
      if (g.reimportModified) g.changedAfterImport = "reimport";
      warnings.push(
        `omero.fs.reimportModified${fromWhere(def)} is deprecated: read as omero.fs.changedAfterImport=${g.changedAfterImport}; set that instead`,
      );
    }
  }

  // Users.
  const usersDef = PROPERTIES.find((p) => p.short === "importUsers")!;
  let userSlots = splitSlots(rawOf(usersDef));
  if (userSlots.every((u) => u === "")) userSlots = ["default"];
  const total = userSlots.length;
  const seen = new Map<string, number>();
  userSlots.forEach((u, slot) => {
    if (u === "") {
      warnings.push(
        `omero.fs.importUsers${fromWhere(usersDef)}: entry ${slot + 1} is empty; that slot is skipped (as OMERO does)`,
      );
      return;
    }
    const first = seen.get(u);
    if (first !== undefined)
      problems.push({
        property: usersDef.name,
        slot,
        message: `${usersDef.name}${fromWhere(usersDef)}, ${slotLabel(slot, total, u)}: user "${u}" is already watch ${first + 1}; each user may appear once`,
      });
    else seen.set(u, slot);
  });

  // Per-watch properties: slots beyond importUsers are an error (empty ones only a warning).
  const slotsOf = new Map<string, string[]>();
  for (const def of PROPERTIES) {
    if (def.scope !== "watch" || def.kind === "users") continue;
    const slots = splitSlots(rawOf(def));
    slotsOf.set(def.name, slots);
    if (slots.length > total) {
      const extra = slots.slice(total);
      const msg = `has ${slots.length} slots but omero.fs.importUsers has ${total} ${total === 1 ? "entry" : "entries"} (${userSlots.map((u) => u || "<empty>").join(";")})`;
      if (extra.every((x) => x === ""))
        warnings.push(`${def.name}${fromWhere(def)}: ${msg}; the empty extra slots are ignored`);
      else
        problems.push({
          property: def.name,
          slot: total,
          message: `${def.name}${fromWhere(def)} ${msg}; give one slot per user, separated by ;`,
        });
    }
  }

  const watches: WatchConfig[] = [];
  const dataDir = g.dataDir;
  const dropBox = path.resolve(dataDir, g.defaultDropBoxDir);
  userSlots.forEach((user, slot) => {
    if (user === "") return;
    const w: Record<string, unknown> = { index: slot, user };
    for (const def of PROPERTIES) {
      if (def.scope !== "watch" || def.kind === "users") continue;
      const s = slotsOf.get(def.name)![slot] ?? "";
      const fallback = defaultValue(def, home);
      if (s === "") {
        w[def.short] = fallback;
        continue;
      }
      const r = parseValue(def, s);
      if (r.ok) w[def.short] = r.value;
      else {
        problems.push({
          property: def.name,
          slot,
          message: `${def.name}${fromWhere(def)}, ${slotLabel(slot, total, user)}: ${r.why}`,
        });
        w[def.short] = fallback;
      }
    }
    if (w.watchDir === "") w.watchDir = user === "default" ? dropBox : path.join(dropBox, user);
    if (w.readers !== "" && input.checkReadersFile) {
      const why = input.checkReadersFile(w.readers as string);
      if (why) {
        const def = PROPERTIES.find((p) => p.short === "readers")!;
        problems.push({
          property: def.name,
          slot,
          message: `${def.name}${fromWhere(def)}, ${slotLabel(slot, total, user)}: ${why}`,
        });
      }
    }
    watches.push(w as WatchConfig);
  });

  problems.push(...remoteMonitorProblems(watches, g, total));

  // OMERO's one-shot monitor timeout: DropBox re-creates a monitor that stopped and rescans the
  // watch, so a timeout means a full rescan that often, not a watch that ends.
  for (const w of watches)
    if ((w.timeout as number) > 0)
      warnings.push(
        `omero.fs.timeout, ${slotLabel(w.index, total, w.user)}: ${w.timeout} s: the monitor stops after that long and DropBox re-creates it and rescans the watch, every ${w.timeout} s; 0 (no timeout) is what a DropBox watch needs`,
      );

  // Overlapping watch directories: files in the inner one would belong to two watches.
  for (let a = 0; a < watches.length; a++)
    for (let b = a + 1; b < watches.length; b++) {
      const wa = watches[a]!;
      const wb = watches[b]!;
      const rel = (x: string, y: string) => {
        const r = path.relative(x, y);
        return r === "" || (!r.startsWith("..") && !path.isAbsolute(r));
      };
      if (wa.watchDir === wb.watchDir)
        problems.push({
          property: "omero.fs.watchDir",
          slot: wb.index,
          message: `omero.fs.watchDir, ${slotLabel(wb.index, total, wb.user)}: ${wb.watchDir} is also the watchDir of ${slotLabel(wa.index, total, wa.user)}; each watch needs its own directory`,
        });
      else if (rel(wa.watchDir, wb.watchDir) || rel(wb.watchDir, wa.watchDir))
        warnings.push(
          `omero.fs.watchDir: ${wa.watchDir} (${wa.user}) and ${wb.watchDir} (${wb.user}) overlap; a file in the inner one belongs to its own watch only if the outer watch's rules agree`,
        );
    }

  // omero.fs.transfer is OMERO's --transfer: only the omero importer has one.
  if (g.importer !== "omero")
    for (const w of watches)
      if (w.transfer !== "upload")
        problems.push({
          property: "omero.fs.transfer",
          slot: w.index,
          message: `omero.fs.transfer, ${slotLabel(w.index, total, w.user)}: ${w.transfer}, but omero.fs.importer is ${g.importer}: only the omero importer transfers files into OMERO (set it to upload, or use the omero importer)`,
        });

  const candidate = { global: g, watches };
  const parsed = OmeroFsConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [top, idx, key] = issue.path;
      if (top === "watches" && typeof idx === "number" && typeof key === "string") {
        const w = watches[idx];
        const def = PROPERTIES.find((p) => p.short === key);
        problems.push({
          property: def?.name ?? key,
          slot: w?.index ?? idx,
          message: `${def?.name ?? key}, ${slotLabel(w?.index ?? idx, total, w?.user ?? null)}: ${issue.message}`,
        });
      } else if (top === "global" && typeof idx === "string") {
        const def = PROPERTIES.find((p) => p.short === idx);
        problems.push({ property: def?.name ?? idx, slot: null, message: `${def?.name ?? idx}: ${issue.message}` });
      } else {
        problems.push({
          property: "omero.fs.importUsers",
          slot: null,
          message: `configuration: ${issue.path.join(".")}: ${issue.message}`,
        });
      }
    }
    return { effective: null, problems, warnings };
  }
  return { effective: parsed.data, problems, warnings };
}

/** A host of httpAddress that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The node's HTTP and notification settings that cannot work as given. */
function notifyHttpProblems(g: GlobalConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const problem = (short: string, message: string) =>
    out.push({ property: `omero.fs.${short}`, slot: null, message: `omero.fs.${short}: ${message}` });
  if (g.httpAddress !== "off" && g.httpToken === "") {
    const host = g.httpAddress.slice(0, g.httpAddress.lastIndexOf(":"));
    if (!isLoopbackHost(host))
      problem(
        "httpAddress",
        `${g.httpAddress} is reachable from other machines, so it needs omero.fs.httpToken (or $OMERO_FS_HTTP_TOKEN) set to a secret; or listen on 127.0.0.1, or set it to off`,
      );
  }
  if (g.webUrl !== "" && !/^https?:\/\/[^\s/]+/.test(g.webUrl))
    problem(
      "webUrl",
      `"${g.webUrl}" is not an http:// or https:// URL (OMERO.web's webclient, e.g. https://omero.example.org/webclient/)`,
    );
  if (g.notifyUsers !== "off" && g.notifySmtp === "")
    problem(
      "notifyUsers",
      `${g.notifyUsers}, but omero.fs.notifySmtp is empty: give the mail server (smtp://host:port)`,
    );
  if (g.notifyUsers !== "off" && g.importer !== "omero")
    problem(
      "notifyUsers",
      `${g.notifyUsers}, but omero.fs.importer is ${g.importer}: users' addresses come from OMERO (importer omero)`,
    );
  if (g.notifyWebhook !== "" && !/^https?:\/\/[^\s/]+/.test(g.notifyWebhook))
    problem("notifyWebhook", `"${g.notifyWebhook}" is not an http:// or https:// URL`);
  if (g.notifySmtp !== "") {
    if (!/^smtps?:\/\/[^\s/:]+(:\d{1,5})?\/?$/.test(g.notifySmtp))
      problem("notifySmtp", `"${g.notifySmtp}" is not smtp://host:port or smtps://host:port`);
    if (g.notifyEmail.length === 0)
      problem("notifyEmail", "empty, but omero.fs.notifySmtp is set: give the address(es) notifications go to");
  } else if (g.notifyEmail.length > 0) {
    problem("notifySmtp", "empty, but omero.fs.notifyEmail is set: give the mail server (smtp://host:port)");
  }
  return out;
}

/**
 * Per-watch MonitorServer endpoints (issue 13): both endpoints or neither, one events endpoint
 * per control endpoint, a server key for CURVE over TCP, and a watchDir inside the path map's LOCAL.
 */
function remoteMonitorProblems(watches: WatchConfig[], g: GlobalConfig, total: number): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const problem = (short: string, w: WatchConfig, message: string) =>
    out.push({
      property: `omero.fs.${short}`,
      slot: w.index,
      message: `omero.fs.${short}, ${slotLabel(w.index, total, w.user)}: ${message}`,
    });
  const eventsOf = new Map<string, string>();
  for (const w of watches) {
    if ((w.monitorControl === "") !== (w.monitorEvents === "")) {
      const [set, unset] = w.monitorControl ? ["monitorControl", "monitorEvents"] : ["monitorEvents", "monitorControl"];
      problem(
        unset,
        w,
        `empty while omero.fs.${set} is set for this watch; give both endpoints of the remote MonitorServer, or neither (the local one)`,
      );
      continue;
    }
    if (w.monitorControl === "") continue;
    const seen = eventsOf.get(w.monitorControl);
    if (seen !== undefined && seen !== w.monitorEvents)
      problem(
        "monitorEvents",
        w,
        `${w.monitorEvents} differs from ${seen}, given with the same monitorControl ${w.monitorControl} in another slot; one MonitorServer has one events endpoint`,
      );
    eventsOf.set(w.monitorControl, w.monitorEvents);
    const tcp = w.monitorControl.startsWith("tcp://") || w.monitorEvents.startsWith("tcp://");
    const local = w.monitorControl === g.monitorBindControl;
    if (tcp && !local && w.monitorServerKey === "" && !g.insecureTcp)
      problem(
        "monitorServerKey",
        w,
        `empty, but ${w.monitorControl} is TCP: give the MonitorServer's public key (Z85, or the path of the server.pub made by \`omero-fs curve keygen server\` on that host), or set omero.fs.insecureTcp=true (plain TCP, unencrypted)`,
      );
  }
  for (const w of watches) {
    const map = w.monitorPathMap;
    if (!map) continue;
    const rel = path.relative(map.local, w.watchDir);
    if (rel.startsWith("..") || path.isAbsolute(rel))
      problem(
        "monitorPathMap",
        w,
        `watchDir ${w.watchDir} is not under ${map.local} (LOCAL of ${map.remote}=${map.local}); LOCAL is this host's path to the storage, and watchDir must be inside it`,
      );
  }
  return out;
}
