/**
 * The `omero` importer: runs the OMERO CLI as OMERO.dropbox does (OMERO-DROPBOX.md 3.5), argv
 * only. Login: `omero login --sudo <admin> -u <user> -s <server> -p <port>` with the admin password
 * in the child's OMERO_PASSWORD environment variable (omero-py's sessions plugin reads it when
 * `-w` is absent), never on argv; then `omero sessions key` reads the new session's key from a
 * per-user OMERO_SESSIONDIR, and every import of that user reuses it with `-k` until it is idle
 * for most of its timeout or the CLI says it is gone (then one re-login). See README.md.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Logger } from "@omero-fs/config";
import {
  classifyLoginFailure,
  formatArgv,
  lastErrorLine,
  looksLikeExpiredSession,
  omeroImportArgv,
  omeroLoginArgv,
  omeroSessionKeyArgv,
  parseIdleTimeout,
  parseImportIds,
  scrubArgv,
  scrubText,
  splitSetting,
} from "./argv";
import { ImporterConfigError } from "./errors";
import { safeUserDir } from "./layout";
import { failed, succeeded } from "./outcome";
import { describeEnd, type RunProcessResult, runProcess } from "./run-process";
import type { Importer, ImportOutcome, ImportRequest, RecoverResult, RunOptions } from "./types";

/** omero-py's default session idle timeout is 10 min; used when the login message has none. */
const DEFAULT_IDLE_S = 600;
/** Reuse a key for this share of its idle timeout after its last use, then log in again. */
const IDLE_SHARE = 0.8;
/** Lines of the importer's output files copied into DropBox.log per run. */
const MAX_LOGGED_LINES = 2000;

export interface OmeroImporterOptions {
  bin: string;
  server: string;
  port: number;
  admin: string;
  /** omero.fs.omeroPasswordFile ("" = use env OMERO_FS_OMERO_PASSWORD). */
  passwordFile: string;
  env: NodeJS.ProcessEnv;
  /** Parent of the per-user OMERO_SESSIONDIRs (mode 0700). */
  sessionsDir: string;
  log: Logger;
  killGraceMs: number;
  now: () => number;
}

interface CachedSession {
  key: string;
  idleMs: number;
  validUntil: number;
}

type SessionResult = { key: string } | { outcome: ImportOutcome };

/** Where the admin password comes from; throws ImporterConfigError when neither is set. */
export function checkPasswordSource(passwordFile: string, env: NodeJS.ProcessEnv): void {
  if (!passwordFile && !env.OMERO_FS_OMERO_PASSWORD)
    throw new ImporterConfigError(
      "IMPORTER_NO_PASSWORD",
      "omero.fs.importer is omero but no admin password is set: put it in a file named by omero.fs.omeroPasswordFile (mode 0600) or in the OMERO_FS_OMERO_PASSWORD environment variable",
    );
}

export class OmeroImporter implements Importer {
  readonly kind = "omero" as const;
  private readonly sessions = new Map<string, CachedSession>();
  private readonly loginLocks = new Map<string, Promise<SessionResult>>();
  /** Filesets redone after a crash: imported with --exclude=clientpath so OMERO skips what it has. */
  private readonly recovering = new Set<number>();

  constructor(private readonly o: OmeroImporterOptions) {}

  async run(req: ImportRequest, opts: RunOptions): Promise<ImportOutcome> {
    const tag = `[fileset ${req.filesetId}]`;
    const deadline = Date.now() + opts.timeoutMs;
    const outcome = await this.runInner(req, opts, deadline, tag);
    if (outcome.ok) {
      this.recovering.delete(req.filesetId);
      this.o.log.info(`${tag} omero import of ${req.entry} completed: ${outcome.target ?? "(no ids reported)"}`);
    } else this.o.log.warn(`${tag} omero import of ${req.entry} failed: ${outcome.error}`);
    return outcome;
  }

  async recover(req: ImportRequest, lastTarget: string | null): Promise<RecoverResult> {
    if (lastTarget) return { state: "done", outcome: succeeded(lastTarget) };
    // OMERO may or may not have the fileset; the redo asks it to skip files it already has.
    this.recovering.add(req.filesetId);
    return { state: "redo" };
  }

  private async runInner(req: ImportRequest, opts: RunOptions, deadline: number, tag: string): Promise<ImportOutcome> {
    if (!safeUserDir(req.user) || req.user.startsWith("-"))
      return failed(`user name ${JSON.stringify(req.user)} cannot be passed to omero login`, false);
    if (!path.isAbsolute(req.entry)) return failed(`entry path is not absolute: ${req.entry}`, false);
    if (!(await isFile(req.entry))) return failed(`source file vanished: ${req.entry}`, false);
    let importArgs: string[];
    try {
      importArgs = splitSetting(req.watch.importArgs, "omero.fs.importArgs", req.watch.index);
    } catch (e) {
      return failed((e as Error).message, false);
    }

    let relogged = false;
    for (;;) {
      const s = await this.session(req.user, opts, deadline, tag, relogged);
      if ("outcome" in s) return s.outcome;
      const r = await this.importOnce(req, s.key, importArgs, opts, deadline, tag);
      if ("expired" in r) {
        if (relogged)
          return failed(`omero import: session for ${req.user} rejected right after login: ${r.reason}`, true);
        this.o.log.info(`${tag} OMERO session of ${req.user} expired; logging in again`);
        this.sessions.delete(req.user);
        relogged = true;
        continue;
      }
      return r;
    }
  }

  private async importOnce(
    req: ImportRequest,
    key: string,
    importArgs: string[],
    opts: RunOptions,
    deadline: number,
    tag: string,
  ): Promise<ImportOutcome | { expired: true; reason: string }> {
    const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "omero-fs-import-"));
    try {
      const errsFile = path.join(tmp, "import.err");
      const outFile = path.join(tmp, "import.out");
      const argv = omeroImportArgv({
        server: this.o.server,
        port: this.o.port,
        key,
        errsFile,
        outFile,
        importArgs,
        entry: req.entry,
        excludeClientPath: this.recovering.has(req.filesetId),
      });
      const secrets = this.secrets(key);
      this.o.log.info(`${tag} running ${this.o.bin} ${formatArgv(scrubArgv(argv, secrets))}`);
      const r = await this.spawn(argv, this.childEnv(req.user), opts, deadline, tag);
      const outLines = await readLines(outFile);
      const errLines = await readLines(errsFile);
      this.logLines(tag, "import stdout", outLines, secrets);
      this.logLines(tag, "import stderr", errLines, secrets);
      this.touch(req.user);

      if (!r.timedOut && !r.aborted && !r.spawnError && r.exitCode === 0)
        return succeeded(parseImportIds([...outLines, ...errLines, ...r.stdout]));
      if (r.spawnError) {
        const notFound = r.spawnError.code === "ENOENT";
        return failed(
          notFound
            ? `omero CLI not found: ${this.o.bin} (set omero.fs.omeroBin)`
            : `omero import could not start: ${r.spawnError.message}`,
          !notFound,
        );
      }
      if (!r.timedOut && !r.aborted && looksLikeExpiredSession(r.stderr))
        return { expired: true, reason: lastErrorLine(r.stderr) ?? "" };
      if (!(await isFile(req.entry))) return failed(`source file vanished: ${req.entry}`, false);
      const reason = lastErrorLine([...errLines, ...r.stderr]);
      return failed(scrubText(describeEnd("omero import", r, opts.timeoutMs, reason), secrets), true);
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** A cached key, or a new sudo login for `user`; concurrent callers share one login. */
  private async session(
    user: string,
    opts: RunOptions,
    deadline: number,
    tag: string,
    forceNew: boolean,
  ): Promise<SessionResult> {
    const stale = forceNew ? this.sessions.get(user)?.key : undefined;
    for (;;) {
      const c = this.sessions.get(user);
      if (c && c.key !== stale && c.validUntil > this.o.now()) return { key: c.key };
      const pending = this.loginLocks.get(user);
      if (!pending) break;
      const res = await pending;
      if ("outcome" in res) return res;
    }
    const p = this.login(user, opts, deadline, tag);
    this.loginLocks.set(user, p);
    try {
      return await p;
    } finally {
      if (this.loginLocks.get(user) === p) this.loginLocks.delete(user);
    }
  }

  private async login(user: string, opts: RunOptions, deadline: number, tag: string): Promise<SessionResult> {
    let password: string;
    try {
      password = await this.readPassword();
    } catch (e) {
      return { outcome: failed((e as Error).message, false) };
    }
    const env = { ...this.childEnv(user), OMERO_PASSWORD: password };
    const argv = omeroLoginArgv(this.o, this.o.admin, user);
    this.o.log.info(`${tag} logging in to OMERO as ${this.o.admin} for ${user}: ${this.o.bin} ${formatArgv(argv)}`);
    const r = await this.spawn(argv, env, opts, deadline, tag, [password]);
    if (r.exitCode !== 0 || r.timedOut || r.aborted || r.spawnError) {
      const out = [...r.stderr, ...r.stdout];
      if (!r.timedOut && !r.aborted && !r.spawnError) {
        const kind = classifyLoginFailure(out);
        if (kind === "unknown-user") return { outcome: failed(`user ${user} unknown to OMERO`, false) };
        if (kind === "bad-password")
          return {
            outcome: failed(
              `OMERO login as ${this.o.admin} refused the admin password (check ${this.passwordSource()}); after fixing it, run omero-fs imports retry`,
              false,
            ),
          };
      }
      if (r.spawnError?.code === "ENOENT")
        return { outcome: failed(`omero CLI not found: ${this.o.bin} (set omero.fs.omeroBin)`, false) };
      return {
        outcome: failed(scrubText(describeEnd("omero login", r, opts.timeoutMs, lastErrorLine(out)), [password]), true),
      };
    }
    const k = await this.spawn(omeroSessionKeyArgv(), this.childEnv(user), opts, deadline, tag, [], false);
    const key = [...k.stdout]
      .reverse()
      .find((l) => /^[\w-]{8,}$/.test(l.trim()))
      ?.trim();
    if (k.exitCode !== 0 || !key)
      return { outcome: failed(`omero sessions key printed no session key after login (exit ${k.exitCode})`, true) };
    const idleMs = (parseIdleTimeout(r.stderr) ?? DEFAULT_IDLE_S) * 1000;
    this.sessions.set(user, { key, idleMs, validUntil: this.o.now() + idleMs * IDLE_SHARE });
    return { key };
  }

  private touch(user: string): void {
    const s = this.sessions.get(user);
    if (s) s.validUntil = this.o.now() + s.idleMs * IDLE_SHARE;
  }

  private async readPassword(): Promise<string> {
    if (this.o.passwordFile) {
      let text: string;
      try {
        text = await fs.promises.readFile(this.o.passwordFile, "utf8");
      } catch (e) {
        throw new Error(
          `cannot read the OMERO admin password file ${this.o.passwordFile} (omero.fs.omeroPasswordFile): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      const pw = text.replace(/\r?\n$/, "");
      if (!pw) throw new Error(`the OMERO admin password file ${this.o.passwordFile} is empty`);
      return pw;
    }
    const pw = this.o.env.OMERO_FS_OMERO_PASSWORD;
    if (!pw) throw new Error("no OMERO admin password: set omero.fs.omeroPasswordFile or OMERO_FS_OMERO_PASSWORD");
    return pw;
  }

  private passwordSource(): string {
    return this.o.passwordFile ? `omero.fs.omeroPasswordFile ${this.o.passwordFile}` : "OMERO_FS_OMERO_PASSWORD";
  }

  /** The child's environment: no password variables; the user's own OMERO session store. */
  private childEnv(user: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...this.o.env };
    delete env.OMERO_FS_OMERO_PASSWORD;
    delete env.OMERO_PASSWORD;
    const dir = path.join(this.o.sessionsDir, user);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.OMERO_SESSIONDIR = dir;
    return env;
  }

  private secrets(key: string): string[] {
    const s = [key];
    const envPw = this.o.env.OMERO_FS_OMERO_PASSWORD;
    if (envPw) s.push(envPw);
    return s;
  }

  private spawn(
    argv: string[],
    env: NodeJS.ProcessEnv,
    opts: RunOptions,
    deadline: number,
    tag: string,
    secrets: string[] = [],
    logStdout = true,
  ): Promise<RunProcessResult> {
    return runProcess(this.o.bin, argv, {
      env,
      timeoutMs: Math.max(1, deadline - Date.now()),
      signal: opts.signal,
      killGraceMs: this.o.killGraceMs,
      onSpawn: opts.onSpawn,
      onLine: (stream, line) => {
        // `sessions key` prints the session key: a credential, kept out of the log
        if (stream === "stdout" && !logStdout) return;
        this.o.log.info(`${tag} omero ${stream}: ${scrubText(line, secrets)}`);
      },
    });
  }

  private logLines(tag: string, what: string, lines: string[], secrets: string[]): void {
    const shown = lines.length > MAX_LOGGED_LINES ? lines.slice(-MAX_LOGGED_LINES) : lines;
    if (shown.length < lines.length)
      this.o.log.info(`${tag} ${what}: (${lines.length - shown.length} earlier lines not logged)`);
    for (const l of shown) this.o.log.info(`${tag} ${what}: ${scrubText(l, secrets)}`);
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function readLines(file: string): Promise<string[]> {
  try {
    const text = await fs.promises.readFile(file, "utf8");
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    return lines;
  } catch {
    return [];
  }
}
