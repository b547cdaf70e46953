/** Notification channels: a webhook (POST JSON) and e-mail (SMTP through nodemailer). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { GlobalConfig } from "@omero-fs/config";
import type { ImportJson } from "@omero-fs/protocol";
import { explainFailure } from "../../core/explain";
import type { NotifyEvent } from "../../core/notify-cursor";

/** OMERO paused or resumed the DropBox's queue (the ledger's omero_events row). */
export interface OmeroEventJson {
  id: number;
  up: boolean;
  /** ISO time of the change. */
  since: string;
  kind: string | null;
  reason: string | null;
}

/** What a notification is about: an import (with its OMERO.web link), or OMERO's state. */
export type NotifyPayload = ImportJson | { omero: OmeroEventJson };

export function isOmeroPayload(p: NotifyPayload): p is { omero: OmeroEventJson } {
  return (p as { omero?: unknown }).omero !== undefined;
}

export interface Channel {
  name: "webhook" | "email" | "user-email";
  /** For logs: where it goes (no secrets). */
  describe: string;
  /** Resolves once the receiver accepted it (or it has nobody to reach); rejects with a one-line reason. */
  send(event: NotifyEvent, payload: NotifyPayload): Promise<void>;
  close(): void;
}

const SEND_TIMEOUT_MS = 10_000;

/** A URL for logs: no user info, no query (either may hold a secret). */
function safeUrl(u: string): string {
  try {
    const x = new URL(u);
    return `${x.protocol}//${x.host}${x.pathname}`;
  } catch {
    return "(bad URL)";
  }
}

export function webhookChannel(url: string): Channel {
  return {
    name: "webhook",
    describe: `webhook ${safeUrl(url)}`,
    async send(event, payload) {
      const omero = isOmeroPayload(payload);
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "omero-fs",
          // The same value for a redelivery after a crash between send and record: receivers may dedupe.
          "idempotency-key": omero
            ? `omero-fs-${event}-${payload.omero.id}`
            : `omero-fs-${event}-${payload.id}-${payload.attempts}`,
        },
        body: JSON.stringify(omero ? { event, omero: payload.omero } : { event, fileset: payload }),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      }).catch((e: Error) => {
        const cause = (e as Error & { cause?: { code?: string } }).cause?.code;
        throw new Error(cause ?? e.message);
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}`);
    },
    close() {},
  };
}

/** The user's folder-relative name of the entry, for a subject line. */
function shortName(f: ImportJson): string {
  const parts = f.entry.split(path.sep);
  const i = parts.lastIndexOf(f.user);
  return i >= 0 ? parts.slice(i + 1).join("/") : path.basename(f.entry);
}

/** The facility's mail when OMERO paused or resumed the queue. Pure. */
export function omeroEventText(event: NotifyEvent, e: OmeroEventJson): { subject: string; text: string } {
  if (event === "omero.resumed")
    return {
      subject: "[omero-fs] OMERO answers again: imports resumed",
      text: `OMERO answers again since ${e.since}: the DropBox resumed its imports by itself.\nNothing to do; what waited is imported now (omero-fs imports list --state queued).\n`,
    };
  const what =
    e.kind === "login-refused"
      ? "OMERO refuses the login"
      : e.kind === "server-error"
        ? "OMERO has a server error"
        : "OMERO is unreachable";
  return {
    subject: `[omero-fs] ${what}: imports paused`,
    text: [
      `${what} since ${e.since}: ${e.reason ?? "no reason given"}.`,
      "",
      "The DropBox paused its imports: files keep being collected, no import is counted as failed,",
      "and it asks OMERO again with a growing delay; it resumes by itself once OMERO answers",
      "(another mail says so).",
      "",
      "What to do: bring OMERO back (or fix the login); omero-fs admin status and omero-fs omero check say what it sees.",
      "",
    ].join("\n"),
  };
}

/** Subject and text of a notification e-mail. Pure. */
export function emailText(event: NotifyEvent, p: NotifyPayload): { subject: string; text: string } {
  if (isOmeroPayload(p)) return omeroEventText(event, p.omero);
  const f = p;
  const failed = event === "import.failed";
  // File names may hold any byte but "/" and NUL: no control character reaches a header.
  const word = failed ? "failed" : event === "import.incomplete" ? "incomplete" : "done";
  const raw = `[omero-fs] import ${word} for ${f.user}: ${shortName(f)}`;
  const subject = [...raw].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? " " : c)).join("");
  if (event === "import.incomplete") return incompleteText(subject, f);
  const lines = [
    failed
      ? `The import of a data set dropped by ${f.user} failed after ${f.attempts} attempt${f.attempts === 1 ? "" : "s"}.`
      : `A data set dropped by ${f.user} was imported.`,
    "",
    `User:      ${f.user}`,
    `Import:    ${f.id} (${f.importer} importer${f.reader ? `, ${f.reader}` : ""})`,
    `Entry:     ${f.entry}`,
  ];
  if (failed) {
    const x = explainFailure(f.error);
    lines.push(`Reason:    ${x.plain}`, `What to do: ${x.todo}`, `Error:     ${f.error ?? "-"}`);
  } else {
    lines.push(`Imported:  ${f.importedAt ?? "-"}`, `Target:    ${f.target ?? "-"}`);
    if (f.webLink) lines.push(`OMERO.web: ${f.webLink}`);
  }
  lines.push("", `Files (${f.files.length}):`, ...f.files.map((x) => `  ${x}`), "");
  lines.push(
    `Details: omero-fs imports show ${f.id}${failed ? `\nRetry after fixing: omero-fs imports retry ${f.id}` : ""}`,
  );
  return { subject, text: `${lines.join("\n")}\n` };
}

/** An incomplete fileset (plate): what is missing, what to do. */
function incompleteText(subject: string, f: ImportJson): { subject: string; text: string } {
  const lines = [
    `A data set dropped by ${f.user} is incomplete: files are missing, cut or empty. It is not imported.`,
    "",
    `User:      ${f.user}`,
    `Import:    ${f.id}${f.reader ? ` (${f.reader})` : ""}`,
    `Entry:     ${f.entry}`,
    `Missing:   ${f.waitingFor ?? "-"}`,
  ];
  if (f.plate)
    lines.push(
      `Plate:     ${f.plate.name}: ${f.plate.presentImages} of ${f.plate.expectedImages} images (${f.plate.wells} wells x ${f.plate.fields} fields x ${f.plate.channels} channels)`,
    );
  lines.push(
    "",
    "What to do: copy the missing files into the same folder (it then imports by itself), or import it as it is:",
    `  omero-fs imports release ${f.id}`,
    `Details: omero-fs imports show ${f.id}`,
  );
  return { subject, text: `${lines.join("\n")}\n` };
}

/** The SMTP transport of omero.fs.notifySmtp (shared by the facility's and the users' mails). */
export function smtpTransport(g: GlobalConfig): {
  send(to: string, subject: string, text: string): Promise<void>;
  close(): void;
} {
  const nodemailer = require("nodemailer") as typeof import("nodemailer");
  const u = new URL(g.notifySmtp);
  const secure = u.protocol === "smtps:";
  let pass: string | undefined;
  if (g.notifySmtpPasswordFile) {
    try {
      pass = fs.readFileSync(g.notifySmtpPasswordFile, "utf8").split("\n")[0];
    } catch (e) {
      throw new Error(
        `cannot read omero.fs.notifySmtpPasswordFile ${g.notifySmtpPasswordFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  const transport = nodemailer.createTransport({
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 25,
    secure,
    auth: g.notifySmtpUser ? { user: g.notifySmtpUser, pass } : undefined,
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  const from = g.notifyEmailFrom || `omero-fs@${os.hostname()}`;
  return {
    async send(to, subject, text) {
      await transport.sendMail({ from, to, subject, text }).catch((e: Error) => {
        throw new Error((e as Error & { code?: string }).code ?? e.message.split("\n")[0]);
      });
    },
    close() {
      transport.close();
    },
  };
}

export function emailChannel(g: GlobalConfig): Channel {
  const smtp = smtpTransport(g);
  const u = new URL(g.notifySmtp);
  return {
    name: "email",
    describe: `e-mail to ${g.notifyEmail.join(", ")} via ${u.protocol}//${u.host}`,
    async send(event, payload) {
      const { subject, text } = emailText(event, payload);
      await smtp.send(g.notifyEmail.join(", "), subject, text);
    },
    close() {
      smtp.close();
    },
  };
}
