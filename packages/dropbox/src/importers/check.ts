/**
 * `omero-fs omero check` (also `config check --connect` and the DropBox's start with the omero
 * importer): is the OMERO side ready for the first drop? Each check says what it found and, when
 * it fails, what to fix. Everything goes through the OMERO CLI as the importer runs it
 * (omero-cli.ts): the admin's login, the versions, the Java importer's help, `import -f` with each
 * watch's import arguments, `user list`, and for in-place transfers `fs sets --check`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { GlobalConfig, OmeroFsConfig, WatchConfig } from "@omero-fs/config";
import type { OmeroCheck, OmeroCheckJson } from "@omero-fs/protocol";
import { formatArgv, omeroUsedFilesArgv, splitSetting } from "./argv";
import { ADMIN_STORE, OmeroCli, type OmeroCliOptions, readLines, SMALL_COMMAND_MS } from "./omero-cli";
import {
  type OmeroUser,
  parseFsSetsCheck,
  parseImporterVersions,
  rejectedImportArg,
  type ServerProblem,
} from "./omero-output";

export type { OmeroCheck, OmeroCheckJson };

const LINKING = new Set(["ln", "ln_s", "ln_rm", "cp", "cp_rm"]);

export interface CheckDeps extends Omit<OmeroCliOptions, "bin" | "server" | "port" | "admin" | "passwordFile"> {
  /** The user folders of a `default` watch (its top-level folders); default: read from disk. */
  userFolders?: (w: WatchConfig) => string[];
}

export interface CheckReport extends OmeroCheckJson {
  /** The admin login's problem, when it failed for the whole server (the DropBox pauses on it). */
  loginProblem: ServerProblem | null;
  /** OMERO's users, when they could be listed. */
  users: OmeroUser[] | null;
}

export function cliFor(g: GlobalConfig, deps: Omit<CheckDeps, "userFolders">): OmeroCli {
  return new OmeroCli({
    ...deps,
    bin: g.omeroBin || "omero",
    server: g.omeroServer,
    port: g.omeroPort,
    admin: g.omeroAdmin,
    passwordFile: g.omeroPasswordFile,
  });
}

/** The top-level folders of a watch (each names a user, for `default`). */
function foldersOf(w: WatchConfig): string[] {
  try {
    return fs
      .readdirSync(w.watchDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("."))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

export async function checkOmero(config: OmeroFsConfig, deps: CheckDeps): Promise<CheckReport> {
  const cli = cliFor(config.global, deps);
  const g = config.global;
  const checks: OmeroCheck[] = [];
  const add = (
    name: string,
    ok: boolean | null,
    detail: string,
    fix: string | null = null,
    watch: number | null = null,
  ) => checks.push({ name, watch, ok, detail, fix });
  const watchLabel = (w: WatchConfig) => `watch ${w.index + 1} (${w.user}, ${w.watchDir})`;

  // 1. The admin password.
  let passwordOk = true;
  try {
    await cli.readPassword();
    add("password", true, `read from ${cli.passwordSource()}`);
  } catch (e) {
    passwordOk = false;
    add(
      "password",
      false,
      (e as Error).message,
      "put the OMERO admin password in a file (mode 0600, owned by the service account) and set omero.fs.omeroPasswordFile to it, or set OMERO_FS_OMERO_PASSWORD",
    );
  }

  // 2. The CLI itself and its version.
  const v = await cli.run(["version"], cli.childEnv(null), { timeoutMs: SMALL_COMMAND_MS, tag: null });
  const cliOk = !v.spawnError && v.exitCode === 0;
  if (cliOk) add("cli", true, `OMERO.py ${v.stdout.find((l) => l.trim() !== "")?.trim() ?? "?"} (${g.omeroBin})`);
  else
    add(
      "cli",
      false,
      v.spawnError
        ? `cannot run ${g.omeroBin}: ${v.spawnError.code}`
        : `omero version exited ${v.exitCode}: ${v.stderr.at(-1) ?? ""}`,
      "install omero-py (pip install omero-py) and set omero.fs.omeroBin to its omero command",
    );

  // 3. The admin's login (the probe of an outage).
  let key: string | null = null;
  let loginProblem: ServerProblem | null = null;
  if (!cliOk || !passwordOk) add("login", null, "not tried (fix the checks above first)");
  else {
    const s = await cli.adminSession();
    if ("key" in s) {
      key = s.key;
      add("login", true, `logged in to ${cli.where} as ${g.omeroAdmin}`);
    } else {
      const problem: ServerProblem =
        s.verdict.scope === "server"
          ? s.verdict.problem
          : { kind: "login-refused", reason: `the admin login failed: ${s.verdict.reason}` };
      loginProblem = problem;
      add(
        "login",
        false,
        problem.reason,
        problem.kind === "unreachable"
          ? `start OMERO, or check omero.fs.omeroServer (${g.omeroServer}) and omero.fs.omeroPort (${g.omeroPort}) and the firewall between this host and OMERO`
          : problem.kind === "login-refused"
            ? `check the password in ${cli.passwordSource()} and that ${g.omeroAdmin} (omero.fs.omeroAdmin) is an OMERO admin with the Sudo privilege`
            : "look at OMERO's Blitz log (var/log/Blitz-0.log on the OMERO server)",
      );
    }
  }

  // 4. The Java importer: its help proves java and the OMERO.java jars are there.
  const help = await cli.run(["import", "--javahelp"], cli.childEnv(null), { timeoutMs: SMALL_COMMAND_MS, tag: null });
  const javaOk = !help.spawnError && help.stderr.some((l) => /Usage:/.test(l));
  if (javaOk) add("importer", true, "the Java importer runs (java and the OMERO.java jars are there)");
  else
    add(
      "importer",
      false,
      help.spawnError
        ? `cannot run ${g.omeroBin}: ${help.spawnError.code}`
        : `omero import --javahelp exited ${help.exitCode}: ${help.stderr.filter((l) => l.trim()).at(-1) ?? "(no output)"}`,
      "install Java 11 or newer (java on PATH) and the OMERO.java jars (omero import --fetch-jars latest, or OMERO_DIR/lib/client)",
    );

  // 5. Versions of the server and of the Java importer, as the importer reports them on connecting.
  if (key && javaOk) {
    const versions = await cli.withEmptyDir(async (dir) => {
      const errs = path.join(dir, "..", `${path.basename(dir)}.err`);
      const r = await cli.run(
        [
          "-s",
          g.omeroServer,
          "-p",
          String(g.omeroPort),
          "-k",
          key!,
          "import",
          `---errs=${errs}`,
          "--",
          "--no-upgrade-check",
          dir,
        ],
        cli.childEnv(ADMIN_STORE),
        { timeoutMs: SMALL_COMMAND_MS, tag: null, secrets: [key!] },
      );
      const lines = [...(await readLines(errs)), ...r.stderr];
      await fs.promises.rm(errs, { force: true });
      return parseImporterVersions(lines);
    });
    if (versions.server)
      add("versions", true, `OMERO.server ${versions.server}; Java importer ${versions.client ?? "?"}`);
    else add("versions", null, "the importer did not report the server's version");
  } else add("versions", null, "not read (needs the login and the Java importer)");

  // 6. Each watch's import arguments, as `omero import` takes them (Java's getopt), with its transfer.
  if (javaOk)
    for (const w of config.watches) {
      let args: string[];
      try {
        args = splitSetting(w.importArgs, "omero.fs.importArgs", w.index);
      } catch (e) {
        add("importArgs", false, (e as Error).message, "quote words like a POSIX shell", w.index);
        continue;
      }
      const words = [...(w.transfer !== "upload" ? [`--transfer=${w.transfer}`] : []), "--agent=dropbox", ...args];
      const rejected = await cli.withEmptyDir(async (dir) => {
        const out = path.join(dir, "..", `${path.basename(dir)}.out`);
        const errs = path.join(dir, "..", `${path.basename(dir)}.err`);
        const argv = omeroUsedFilesArgv(out, errs, words, [dir]);
        deps.log.debug(`omero check: ${formatArgv(argv)}`);
        const r = await cli.run(argv, cli.childEnv(null), { timeoutMs: SMALL_COMMAND_MS, tag: null });
        const lines = [...(await readLines(errs)), ...r.stderr];
        for (const f of [out, errs]) await fs.promises.rm(f, { force: true });
        if (r.exitCode === 0 || r.exitCode === 125) return null;
        return (
          rejectedImportArg(lines) ??
          `omero import -f exited ${r.exitCode}: ${lines.filter((l) => l.trim()).at(-1) ?? ""}`
        );
      });
      const shown = words.join(" ");
      if (rejected === null) add("importArgs", true, `${watchLabel(w)}: omero import takes ${shown}`, null, w.index);
      else
        add(
          "importArgs",
          false,
          `${watchLabel(w)}: omero import does not take ${JSON.stringify(w.importArgs)}: ${rejected}`,
          `correct omero.fs.importArgs (watch ${w.index + 1}); its words go to the Java importer after \`--\` (omero import --javahelp / --advanced-help list them)`,
          w.index,
        );
    }
  else add("importArgs", null, "not checked (needs the Java importer)");

  // 7. Every user who can drop files exists in OMERO (and has an address, with notifyUsers).
  let users: OmeroUser[] | null = null;
  if (key) {
    try {
      users = await cli.users(key);
    } catch (e) {
      add(
        "users",
        false,
        `cannot list OMERO's users: ${(e as Error).message}`,
        "run omero user list by hand to see why",
      );
    }
  } else add("users", null, "not checked (needs the login)");
  if (users) {
    const known = new Map(users.map((u) => [u.login, u]));
    const folders = deps.userFolders ?? foldersOf;
    for (const w of config.watches) {
      const names = w.user === "default" ? folders(w) : [w.user];
      const missing = names.filter((n) => !known.has(n));
      if (missing.length > 0)
        add(
          "users",
          false,
          `${watchLabel(w)}: ${missing.join(", ")} unknown to OMERO: their files would fail`,
          w.user === "default"
            ? "each top-level folder must be an OMERO user name: create the user in OMERO, or rename or remove the folder"
            : `create the user ${w.user} in OMERO, or correct omero.fs.importUsers`,
          w.index,
        );
      else
        add(
          "users",
          true,
          `${watchLabel(w)}: ${names.length === 0 ? "no user folders yet" : `${names.join(", ")} known to OMERO`}`,
          null,
          w.index,
        );
      if (g.notifyUsers !== "off") {
        const noMail = names.filter((n) => known.has(n) && !known.get(n)!.email);
        if (noMail.length > 0)
          add(
            "users",
            null,
            `${watchLabel(w)}: ${noMail.join(", ")} have no e-mail address in OMERO: omero.fs.notifyUsers cannot reach them`,
            "set their e-mail in OMERO (omero user ... or OMERO.web's admin pages)",
            w.index,
          );
      }
    }
  }

  // 8. In-place transfers: can the OMERO server read what was linked?
  for (const w of config.watches) {
    if (!LINKING.has(w.transfer)) continue;
    const manual = `check by hand: sudo -u <the OMERO server's OS user> head -c 1 <a file under ${w.watchDir}>`;
    if (!key) {
      add(
        "transfer",
        null,
        `${watchLabel(w)}: --transfer=${w.transfer} not verified (needs the login); ${manual}`,
        null,
        w.index,
      );
      continue;
    }
    const r = await cli.run(
      [
        "-s",
        g.omeroServer,
        "-p",
        String(g.omeroPort),
        "-k",
        key,
        "fs",
        "sets",
        "--check",
        "--with-transfer",
        w.transfer,
        "--limit",
        "20",
        "--style",
        "json",
      ],
      cli.childEnv(ADMIN_STORE),
      { timeoutMs: SMALL_COMMAND_MS, tag: null, secrets: [key] },
    );
    let rows: { id: string; ok: boolean }[] | null = null;
    try {
      if (r.exitCode === 0) rows = parseFsSetsCheck(r.stdout);
    } catch {
      rows = null;
    }
    if (rows === null)
      add(
        "transfer",
        null,
        `${watchLabel(w)}: omero fs sets --check did not answer (exit ${r.exitCode}); ${manual}`,
        null,
        w.index,
      );
    else if (rows.length === 0)
      add(
        "transfer",
        null,
        `${watchLabel(w)}: --transfer=${w.transfer} not verified yet: OMERO has no in-place fileset of that kind to read; run omero-fs omero check again after the first import, or ${manual}`,
        null,
        w.index,
      );
    else {
      const bad = rows.filter((x) => !x.ok);
      if (bad.length === 0)
        add(
          "transfer",
          true,
          `${watchLabel(w)}: OMERO reads its last ${rows.length} ${w.transfer} fileset(s)`,
          null,
          w.index,
        );
      else
        add(
          "transfer",
          false,
          `${watchLabel(w)}: OMERO cannot read ${bad.length} of its last ${rows.length} ${w.transfer} fileset(s) (Fileset ${bad.map((b) => b.id).join(", ")})`,
          `give the OMERO server's OS user read access to ${w.watchDir} and everything under it${w.transfer.endsWith("_rm") ? "" : " (keep it: OMERO reads the files there)"}; docs/omero.md, "Transfer modes"`,
          w.index,
        );
    }
  }

  return {
    ok: checks.every((c) => c.ok !== false),
    server: `${g.omeroServer}:${g.omeroPort}`,
    admin: g.omeroAdmin,
    checks,
    loginProblem,
    users,
  };
}

/** The report as text: one line per check, the fix under a failure. */
export function checkText(r: OmeroCheckJson): string {
  const lines = [`OMERO check of ${r.server} (admin ${r.admin})`];
  for (const c of r.checks) {
    const mark = c.ok === true ? "ok  " : c.ok === false ? "FAIL" : "--  ";
    lines.push(`  ${mark}  ${c.name}: ${c.detail}`);
    if (c.fix && c.ok !== true) lines.push(`        fix: ${c.fix}`);
  }
  const failed = r.checks.filter((c) => c.ok === false).length;
  lines.push(failed === 0 ? "OMERO is ready for the DropBox" : `${failed} check(s) failed`);
  return lines.join("\n");
}
