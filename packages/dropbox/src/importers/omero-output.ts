/**
 * What the OMERO CLI's output means, pure (tested with literal lines in omero-output.test.ts):
 * which failures are the whole server's (the DropBox pauses and probes) and which are this
 * fileset's; `import -f` groups as OMERO.dropbox parses them; `user list --style json`; the
 * versions; `fs sets --check`. Messages and exit codes are omero-py's (sessions.py `login`:
 * 554 refused, 555 bad host, 556 other connection failure, 564 password, 523 bad key; the shell
 * sees them modulo 256) and the Java importer's (CommandLineImporter: 1 usage, 2 import errors).
 */

import type { ServerProblemKind } from "../core/omero-health";

export type { ServerProblemKind };
/** A problem of the whole OMERO server: no fileset is at fault; the DropBox pauses its queue. */
export interface ServerProblem {
  kind: ServerProblemKind;
  /** One line, for the status, the log and the notification. */
  reason: string;
}

/** How a failed `omero login` is classified. */
export type LoginVerdict =
  | { scope: "user"; reason: string }
  | { scope: "server"; problem: ServerProblem }
  | { scope: "other"; reason: string };

const UNKNOWN_USER = /No such experimenter: (\S+)|Unknown user: (\S+)/;
const BAD_PASSWORD =
  /Password check failed|incorrect password attempts|cannot request password|PermissionDeniedException/i;
/** Ice's and omero-py's words for "nothing answers at that address". */
const UNREACHABLE =
  /ConnectionRefusedException|isn't running|ConnectionLostException|ConnectTimeoutException|Ice\.TimeoutException|Ice\.SocketException|DNSException|bad host name|CommunicatorDestroyedException|CannotCreateSessionException|Connection refused|No route to host|Network is unreachable/;
/** The server answers but cannot work: nothing a fileset did. */
const SERVER_ERROR =
  /Server not fully initialized|DatabaseBusyException|TooManyUsersException|No space left on device|ReadOnlyGroupSecurityViolation.*repository|could not obtain a connection from the pool/i;

/** A failed `omero login --sudo ADMIN -u USER` (or the admin's own login): whose problem is it? */
export function classifyLogin(output: readonly string[], admin: string, passwordSource: string): LoginVerdict {
  const text = output.join("\n");
  const unknown = UNKNOWN_USER.exec(text);
  if (unknown) return { scope: "user", reason: `user ${unknown[1] ?? unknown[2]} unknown to OMERO` };
  if (UNREACHABLE.test(text))
    return { scope: "server", problem: { kind: "unreachable", reason: lastMeaningful(output, UNREACHABLE) } };
  if (BAD_PASSWORD.test(text))
    return {
      scope: "server",
      problem: {
        kind: "login-refused",
        reason: `OMERO login as ${admin} refused the admin password (check ${passwordSource})`,
      },
    };
  if (/SecurityViolation/.test(text))
    return {
      scope: "server",
      problem: {
        kind: "login-refused",
        reason: `OMERO refused the login as ${admin}: ${lastMeaningful(output, /SecurityViolation/)} (the admin needs the Sudo privilege)`,
      },
    };
  if (/User account error/.test(text)) return { scope: "user", reason: lastMeaningful(output, /User account error/) };
  const last = lastMeaningful(output, /./);
  return { scope: "server", problem: { kind: "server-error", reason: last || "omero login failed without a message" } };
}

/** A failed `omero import` run: a whole-server problem, or null (the fileset's own failure). */
export function serverProblemOfImport(output: readonly string[]): ServerProblem | null {
  const text = output.join("\n");
  if (UNREACHABLE.test(text)) return { kind: "unreachable", reason: lastMeaningful(output, UNREACHABLE) };
  if (SERVER_ERROR.test(text)) return { kind: "server-error", reason: lastMeaningful(output, SERVER_ERROR) };
  return null;
}

/** A source file the importer could not read (permissions): the user's to fix, not retried. */
export function unreadableSource(output: readonly string[]): string | null {
  for (const l of output) {
    const m = /FileNotFoundException: (.+) \(Permission denied\)/.exec(l);
    if (m) return m[1]!;
  }
  return null;
}

/** An in-place transfer the OMERO server refused (ManagedRepository access, server cannot read). */
export function inPlaceProblem(output: readonly string[]): string | null {
  const text = output.join("\n");
  if (/You likely do not have access to the ManagedRepository for in-place import/.test(text))
    return 'in-place import refused: this host cannot write the OMERO ManagedRepository (run the DropBox on the OMERO server host, as a user in the OMERO server\'s group; docs/omero.md, "Transfer modes")';
  if (/Most likely the server process has no read access/.test(text))
    return 'in-place import refused: the OMERO server cannot read the linked file (give the OMERO server\'s OS user read access to the watch folder; docs/omero.md, "Transfer modes")';
  return null;
}

function lastMeaningful(lines: readonly string[], re: RegExp): string {
  const ls = lines.map((l) => l.trim()).filter((l) => l !== "" && l !== "{" && l !== "}");
  for (let i = ls.length - 1; i >= 0; i--) if (re.test(ls[i]!)) return ls[i]!;
  return ls[ls.length - 1] ?? "";
}

// ---------------------------------------------------------------- import -f

/** One fileset of `omero import -f`: the key is its first used file (as_dictionary's key). */
export interface UsedFilesGroup {
  /** The `# Group:` file (the one the reader was set on), or null when the header lacks it. */
  group: string | null;
  reader: string | null;
  files: string[];
}

/**
 * `omero import -f` output parsed as OMERO.dropbox parses it (omero-py
 * `import_candidates.as_dictionary`): a `#` line starts a group, the first non-comment line is
 * its key and first element. The `# Group: X SPW: b Reader: R` header is kept as well.
 */
export function parseUsedFiles(lines: readonly string[]): UsedFilesGroup[] {
  const out: UsedFilesGroup[] = [];
  let cur: UsedFilesGroup | null = null;
  let header: { group: string | null; reader: string | null } = { group: null, reader: null };
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      cur = null;
      const m = /^# Group: (.*) SPW: (?:true|false) Reader: (\S+)$/.exec(line);
      if (m) header = { group: m[1]!, reader: m[2]! };
      continue;
    }
    if (!cur) {
      cur = { group: header.group, reader: header.reader, files: [] };
      header = { group: null, reader: null };
      out.push(cur);
    }
    cur.files.push(line);
  }
  return out;
}

// ---------------------------------------------------------------- users, versions, fs sets

export interface OmeroUser {
  login: string;
  email: string | null;
  active: boolean;
}

/** `omero user list --style json`: one JSON object per row, the whole an array. */
export function parseUserList(stdout: readonly string[]): OmeroUser[] {
  const rows = JSON.parse(stdout.join("\n").trim() || "[]") as Record<string, string>[];
  return rows.map((r) => ({
    login: String(r.login ?? ""),
    email: r.email ? String(r.email) : null,
    active: String(r.active ?? "") === "Yes",
  }));
}

/** The Java importer's log lines "Server: 5.6.9" and "Client: 5.6.9" (OMEROMetadataStoreClient.logVersionInfo). */
export function parseImporterVersions(lines: readonly string[]): { server: string | null; client: string | null } {
  let server: string | null = null;
  let client: string | null = null;
  for (const l of lines) {
    const s = /OMEROMetadataStoreClient\]?.*?\bServer: (.+)$/.exec(l);
    if (s) server = s[1]!.trim();
    const c = /OMEROMetadataStoreClient\]?.*?\bClient: (.+)$/.exec(l);
    if (c) client = c[1]!.trim();
  }
  return { server, client };
}

/** A rejected import argument: gnu getopt's message, an unknown transfer class or output style. */
export function rejectedImportArg(lines: readonly string[]): string | null {
  for (const l of lines) {
    const m =
      /importer-cli: (unrecognized option .+|invalid option -- .+|option .+ requires an argument.*|option requires an argument -- .+|option .+ is ambiguous|option .+ doesn't allow an argument)$/.exec(
        l,
      );
    if (m) return m[1]!;
    const t = /Failed to load file transfer class (\S+)/.exec(l);
    if (t) return `unknown --transfer ${t[1]}`;
    const o = /No enum constant ome\.formats\.importer\.cli\.ImportOutput\.(\S+)/.exec(l);
    if (o) return `unknown --output ${o[1]}`;
  }
  return null;
}

/** `omero fs sets --check --style json`: [{Id, Transfer, Check: "OK" | "ERROR!" | "Empty"}]. */
export function parseFsSetsCheck(stdout: readonly string[]): { id: string; transfer: string; ok: boolean }[] {
  const rows = JSON.parse(stdout.join("\n").trim() || "[]") as Record<string, string>[];
  return rows.map((r) => ({ id: String(r.Id), transfer: String(r.Transfer ?? ""), ok: r.Check === "OK" }));
}

// ---------------------------------------------------------------- OMERO.web

/**
 * The OMERO.web page of what an import made: `<webUrl>?show=image-1|image-2` (the webclient's
 * `show` parameter selects those objects), for "Image:1,2; Fileset:5" or a plate's "Plate:3".
 * Null without a webUrl or ids to show.
 */
export function omeroWebLink(webUrl: string, target: string | null): string | null {
  if (!webUrl || !target) return null;
  const shown: string[] = [];
  for (const part of target.split(";")) {
    const m = /^\s*(Image|Plate|Screen|Dataset|Project):\s*([\d,\s]+)$/.exec(part);
    if (!m) continue;
    for (const id of m[2]!.split(",").map((s) => s.trim()))
      if (/^\d+$/.test(id)) shown.push(`${m[1]!.toLowerCase()}-${id}`);
  }
  if (shown.length === 0) return null;
  // Plates first: a plate's page shows its images.
  const plates = shown.filter((s) => s.startsWith("plate-"));
  const pick = plates.length > 0 ? plates : shown;
  return `${webUrl.replace(/\/?$/, "/")}?show=${pick.join("|")}`;
}
