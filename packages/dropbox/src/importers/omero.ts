/**
 * The `omero` importer: runs the OMERO CLI as OMERO.dropbox does (OMERO-DROPBOX.md 3.5), argv
 * only. Login: `omero login --sudo <admin> -u <user> -s <server> -p <port>` with the admin password
 * in the child's OMERO_PASSWORD environment variable (omero-py's sessions plugin reads it when
 * `-w` is absent), never on argv; then `omero sessions key` reads the new session's key from a
 * per-user OMERO_SESSIONDIR, and every import of that user reuses it with `-k` until it is idle
 * for most of its timeout or the CLI says it is gone (then one re-login). A failure of the whole
 * server (unreachable, login refused, a server error: omero-output.ts) is reported as
 * `serverProblem`, never as the fileset's failure. See README.md.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { WatchConfig } from "@omero-fs/config";
import {
  formatArgv,
  lastErrorLine,
  looksLikeExpiredSession,
  omeroImportArgv,
  omeroLoginArgv,
  omeroUsedFilesArgv,
  parseIdleTimeout,
  parseImportIds,
  scrubArgv,
  scrubText,
  splitSetting,
} from "./argv";
import { ImporterConfigError } from "./errors";
import { safeUserDir } from "./layout";
import { OmeroCli, type OmeroCliOptions, readLines } from "./omero-cli";
import {
  classifyLogin,
  inPlaceProblem,
  parseUsedFiles,
  rejectedImportArg,
  type ServerProblem,
  serverProblemOfImport,
  type UsedFilesGroup,
  unreadableSource,
} from "./omero-output";
import { failed, serverDown, succeeded } from "./outcome";
import { describeEnd, type RunProcessResult } from "./run-process";
import type { Importer, ImportOutcome, ImportRequest, RecoverResult, RunOptions } from "./types";

/** omero-py's default session idle timeout is 10 min; used when the login message has none. */
const DEFAULT_IDLE_S = 600;
/** Reuse a key for this share of its idle timeout after its last use, then log in again. */
const IDLE_SHARE = 0.8;
/** Lines of the importer's output files copied into DropBox.log per run. */
const MAX_LOGGED_LINES = 2000;
/** `import -f` on a batch of entries: one JVM; Bio-Formats reads each entry's header. */
const USED_FILES_TIMEOUT_MS = 10 * 60_000;

export interface OmeroImporterOptions extends OmeroCliOptions {
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
  readonly cli: OmeroCli;
  private readonly sessions = new Map<string, CachedSession>();
  private readonly loginLocks = new Map<string, Promise<SessionResult>>();
  /** Filesets redone after a crash: imported with --exclude=clientpath so OMERO skips what it has. */
  private readonly recovering = new Set<number>();

  constructor(private readonly o: OmeroImporterOptions) {
    this.cli = new OmeroCli(o);
  }

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

  async probe(signal?: AbortSignal): Promise<ServerProblem | null> {
    const s = await this.cli.adminSession(undefined, signal);
    if ("key" in s) return null;
    if (s.verdict.scope === "server") return s.verdict.problem;
    return { kind: "login-refused", reason: `the admin login failed: ${s.verdict.reason}` };
  }

  async usedFiles(watch: WatchConfig, paths: string[], signal?: AbortSignal): Promise<UsedFilesGroup[]> {
    const importArgs = splitSetting(watch.importArgs, "omero.fs.importArgs", watch.index);
    const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "omero-fs-usedfiles-"));
    try {
      const out = path.join(tmp, "candidates.out");
      const errs = path.join(tmp, "candidates.err");
      const argv = omeroUsedFilesArgv(out, errs, importArgs, paths);
      this.o.log.debug(`omero import -f: ${this.o.bin} ${formatArgv(argv)}`);
      const r = await this.cli.run(argv, this.cli.childEnv(null), {
        timeoutMs: USED_FILES_TIMEOUT_MS,
        signal,
        tag: null,
      });
      const outLines = await readLines(out);
      const errLines = await readLines(errs);
      // 125: no fileset at all (CommandLineImporter.start with -f and no candidates)
      if (r.spawnError || r.timedOut || r.aborted || (r.exitCode !== 0 && r.exitCode !== 125))
        throw new Error(
          describeEnd(
            "omero import -f",
            r,
            USED_FILES_TIMEOUT_MS,
            rejectedImportArg(errLines) ?? lastErrorLine([...errLines, ...r.stderr]),
          ),
        );
      return parseUsedFiles(outLines);
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    }
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
        // A key the server refuses right after a login: the server's sessions do not work.
        if (relogged)
          return serverDown({
            kind: "login-refused",
            reason: `the session for ${req.user} was refused right after login: ${r.reason}`,
          });
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
        transfer: req.watch.transfer,
      });
      const secrets = [key, ...this.cli.envSecrets()];
      this.o.log.info(`${tag} running ${this.o.bin} ${formatArgv(scrubArgv(argv, secrets))}`);
      const r = await this.spawn(argv, this.cli.childEnv(req.user), opts, deadline, tag);
      const outLines = await readLines(outFile);
      const errLines = await readLines(errsFile);
      this.logLines(tag, "import stdout", outLines, secrets);
      this.logLines(tag, "import stderr", errLines, secrets);
      this.touch(req.user);

      if (!r.timedOut && !r.aborted && !r.spawnError && r.exitCode === 0)
        return succeeded(parseImportIds([...outLines, ...errLines, ...r.stdout]));
      if (r.spawnError) return this.spawnFailed(r, "omero import");
      if (!r.timedOut && !r.aborted && looksLikeExpiredSession(r.stderr))
        return { expired: true, reason: lastErrorLine(r.stderr) ?? "" };
      if (!(await isFile(req.entry))) return failed(`source file vanished: ${req.entry}`, false);
      const all = [...errLines, ...r.stderr, ...outLines];
      if (!r.timedOut && !r.aborted) {
        const server = serverProblemOfImport(all);
        if (server) return serverDown({ ...server, reason: scrubText(server.reason, secrets) });
        const inPlace = inPlaceProblem(all);
        if (inPlace) return failed(inPlace, false);
        const unreadable = unreadableSource(all);
        if (unreadable) return failed(`source file not readable: ${unreadable}`, false);
      }
      const reason = lastErrorLine([...errLines, ...r.stderr]);
      return failed(scrubText(describeEnd("omero import", r, opts.timeoutMs, reason), secrets), true);
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** The CLI itself did not start: nothing can be imported until omeroBin is fixed (a pause, not N failures). */
  private spawnFailed(r: RunProcessResult, what: string): ImportOutcome {
    const e = r.spawnError!;
    return serverDown({
      kind: "server-error",
      reason:
        e.code === "ENOENT"
          ? `omero CLI not found: ${this.o.bin} (set omero.fs.omeroBin)`
          : `${what} could not start: ${e.message}`,
    });
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
      password = await this.cli.readPassword();
    } catch (e) {
      return { outcome: serverDown({ kind: "login-refused", reason: (e as Error).message }) };
    }
    const env = { ...this.cli.childEnv(user), OMERO_PASSWORD: password };
    const argv = omeroLoginArgv(this.o, this.o.admin, user);
    this.o.log.info(`${tag} logging in to OMERO as ${this.o.admin} for ${user}: ${this.o.bin} ${formatArgv(argv)}`);
    const r = await this.spawn(argv, env, opts, deadline, tag, [password]);
    if (r.exitCode !== 0 || r.timedOut || r.aborted || r.spawnError) {
      if (r.spawnError) return { outcome: this.spawnFailed(r, "omero login") };
      if (r.aborted) return { outcome: failed("omero login aborted (DropBox stopping)", true) };
      if (r.timedOut)
        return {
          outcome: serverDown({
            kind: "unreachable",
            reason: `OMERO at ${this.cli.where} did not answer the login within ${Math.round(opts.timeoutMs / 1000)} s`,
          }),
        };
      const out = [...r.stderr, ...r.stdout].map((l) => scrubText(l, [password]));
      const v = classifyLogin(out, this.o.admin, this.cli.passwordSource());
      if (v.scope === "user") return { outcome: failed(v.reason, false) };
      if (v.scope === "server") return { outcome: serverDown(v.problem) };
      return { outcome: failed(describeEnd("omero login", r, opts.timeoutMs, v.reason), true) };
    }
    const key = await this.cli.sessionKey(user, Math.max(1, deadline - Date.now()), opts.signal, opts.onSpawn);
    if (!key)
      return {
        outcome: serverDown({
          kind: "server-error",
          reason: "omero sessions key printed no session key after login",
        }),
      };
    const idleMs = (parseIdleTimeout(r.stderr) ?? DEFAULT_IDLE_S) * 1000;
    this.sessions.set(user, { key, idleMs, validUntil: this.o.now() + idleMs * IDLE_SHARE });
    return { key };
  }

  private touch(user: string): void {
    const s = this.sessions.get(user);
    if (s) s.validUntil = this.o.now() + s.idleMs * IDLE_SHARE;
  }

  private spawn(
    argv: string[],
    env: NodeJS.ProcessEnv,
    opts: RunOptions,
    deadline: number,
    tag: string,
    secrets: string[] = [],
  ): Promise<RunProcessResult> {
    return this.cli.run(argv, env, {
      timeoutMs: deadline - Date.now(),
      signal: opts.signal,
      tag,
      secrets,
      onSpawn: opts.onSpawn,
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
