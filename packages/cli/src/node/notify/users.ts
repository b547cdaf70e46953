/**
 * Results reach the people who dropped the files (issue 20, omero.fs.notifyUsers): a mail to the
 * OMERO user's own address, read from OMERO through its CLI (`omero user list`, the admin's own
 * session store), when their import failed or is incomplete (failed), or also when it was imported
 * (all): what happened, what to do, and the images in OMERO.web.
 */
import type { GlobalConfig, Logger } from "@omero-fs/config";
import type { ImportJson } from "@omero-fs/protocol";
import { explainFailure } from "../../core/explain";
import type { NotifyEvent } from "../../core/notify-cursor";
import { type Channel, isOmeroPayload, smtpTransport } from "./channels";

/** Addresses are read again after this long (an address changed in OMERO reaches the next mail). */
const ADDRESSES_TTL_MS = 10 * 60_000;
/** The notifier's own admin session store (the DropBox's probe uses another). */
const NOTIFY_STORE = ".admin-notify";

/** Who a user is in OMERO, by login: their address, or null (none set). */
export type AddressBook = (user: string) => Promise<string | null>;

/** OMERO's users' addresses through the CLI, cached; rejects while OMERO cannot be asked (the mail waits). */
export function omeroAddressBook(g: GlobalConfig, log: Logger): AddressBook {
  const { cliFor } = require("@omero-fs/dropbox/omero") as typeof import("@omero-fs/dropbox/omero");
  const { omeroSessionsDir } = require("@omero-fs/dropbox/omero") as typeof import("@omero-fs/dropbox/omero");
  const cli = cliFor(g, { env: process.env, sessionsDir: omeroSessionsDir({ global: g }), log, killGraceMs: 2000 });
  let cache: { at: number; byLogin: Map<string, string | null> } | null = null;
  return async (user) => {
    if (!cache || Date.now() - cache.at > ADDRESSES_TTL_MS || !cache.byLogin.has(user)) {
      const s = await cli.adminSession(undefined, undefined, NOTIFY_STORE);
      if (!("key" in s))
        throw new Error(
          `cannot ask OMERO for ${user}'s address: ${s.verdict.scope === "server" ? s.verdict.problem.reason : s.verdict.reason}`,
        );
      const users = await cli.users(s.key, undefined, NOTIFY_STORE);
      cache = { at: Date.now(), byLogin: new Map(users.map((u) => [u.login, u.email])) };
    }
    return cache.byLogin.get(user) ?? null;
  };
}

/** The folder-relative name a person recognises. */
function dataSet(f: ImportJson): string {
  const parts = f.entry.split("/");
  const i = parts.lastIndexOf(f.user);
  return i >= 0 ? parts.slice(i + 1).join("/") : (parts.at(-1) ?? f.entry);
}

/** The mail to the person who dropped the files: plain words, what to do, the link. Pure. */
export function userEmailText(event: NotifyEvent, f: ImportJson): { subject: string; text: string } {
  const name = dataSet(f);
  const clean = (s: string) =>
    [...s].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? " " : c)).join("");
  const files = `${f.files.length} file${f.files.length === 1 ? "" : "s"}`;
  const lines: string[] = [`Hello ${f.user},`, ""];
  let subject: string;
  if (event === "import.succeeded") {
    subject = `Your data set ${name} is in OMERO`;
    lines.push(`Your data set ${name} (${files}) was imported into OMERO.`);
    if (f.webLink) lines.push("", `See it in OMERO.web: ${f.webLink}`);
    lines.push(
      "",
      "Nothing to do. Please leave the files where they are (moving or renaming them does not import them again).",
    );
  } else if (event === "import.incomplete") {
    subject = `Your data set ${name} is incomplete: not imported yet`;
    lines.push(
      `Your data set ${name} is missing files its index lists, so it was not imported:`,
      `  ${f.waitingFor ?? "files are missing"}`,
      "",
      "What to do: copy the missing files into the same folder; it is then imported by itself.",
      `If they do not exist, ask the facility to import it as it is (import ${f.id}).`,
    );
  } else {
    const x = explainFailure(f.error);
    subject = `Your data set ${name} could not be imported`;
    lines.push(
      `Your data set ${name} (${files}) could not be imported into OMERO.`,
      "",
      `Why: ${x.plain}`,
      `What to do: ${x.todo}`,
    );
  }
  lines.push(
    "",
    `Folder: ${f.entry}`,
    `Import: ${f.id} (the facility sees details with: omero-fs imports show ${f.id})`,
    "",
  );
  return { subject: clean(`[omero-fs] ${subject}`), text: lines.join("\n") };
}

/** The channel of the users' own mails: the address from OMERO, the words for the person. */
export function userEmailChannel(g: GlobalConfig, addressOf: AddressBook, log: Logger): Channel {
  const smtp = smtpTransport(g);
  const noAddress = new Set<string>();
  return {
    name: "user-email",
    describe: "e-mail to the OMERO user who dropped the files",
    async send(event, payload) {
      if (isOmeroPayload(payload)) return;
      const to = await addressOf(payload.user);
      if (!to) {
        // Nothing to retry: said once per user, the facility's own channels still have it.
        if (!noAddress.has(payload.user))
          log.warn(
            `notifications: ${payload.user} has no e-mail address in OMERO; their import ${payload.id} is not mailed to them (set it in OMERO)`,
          );
        noAddress.add(payload.user);
        return;
      }
      const { subject, text } = userEmailText(event, payload);
      await smtp.send(to, subject, text);
    },
    close() {
      smtp.close();
    },
  };
}
