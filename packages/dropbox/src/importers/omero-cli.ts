/**
 * Running the OMERO CLI (omero-py) for the omero importer, `omero-fs omero check` and the
 * notifier's address look-ups: argv only, a per-session-store OMERO_SESSIONDIR, the admin
 * password only in the login's OMERO_PASSWORD, secrets scrubbed from every logged line. The
 * admin's own session (the probe during an outage, `user list`, `fs sets`) lives in its own store,
 * `<sessionsDir>/.admin`, so a probe reuses it ("Using session ...") instead of creating one each
 * time. What the output means is omero-output.ts (pure).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Logger } from "@omero-fs/config";
import { formatArgv, scrubText } from "./argv";
import { classifyLogin, type LoginVerdict, type OmeroUser, parseUserList } from "./omero-output";
import { type RunProcessResult, runProcess } from "./run-process";

/** Parent of the omero importer's per-user session stores: <home>/var/omero-sessions (or the injected one). */
export function omeroSessionsDir(
  config: { global: { home: string } },
  deps: { omeroSessionsDir?: string } = {},
): string {
  return deps.omeroSessionsDir ?? path.join(config.global.home, "var", "omero-sessions");
}

/** The admin's own session store (a dot name: never an OMERO user's folder). */
export const ADMIN_STORE = ".admin";
/** How long the probe and the check's small commands may take. */
export const SMALL_COMMAND_MS = 60_000;

export interface OmeroCliOptions {
  bin: string;
  server: string;
  port: number;
  admin: string;
  /** omero.fs.omeroPasswordFile ("" = the OMERO_FS_OMERO_PASSWORD environment variable). */
  passwordFile: string;
  env: NodeJS.ProcessEnv;
  /** Parent of the per-user OMERO_SESSIONDIRs (mode 0700). */
  sessionsDir: string;
  log: Logger;
  killGraceMs: number;
}

export interface RunOpts {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Log prefix, e.g. `[fileset 3]`; null: output lines go to debug only. */
  tag: string | null;
  secrets?: string[];
  /** false: stdout is not logged (it holds a session key). */
  logStdout?: boolean;
  /** Each child as soon as it runs (its pid is its process group: the DropBox records an import's). */
  onSpawn?: (pgid: number) => void;
}

export type AdminSession = { key: string } | { verdict: LoginVerdict; output: string[] };

export class OmeroCli {
  constructor(readonly o: OmeroCliOptions) {}

  get where(): string {
    return `${this.o.server}:${this.o.port}`;
  }

  async readPassword(): Promise<string> {
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

  passwordSource(): string {
    return this.o.passwordFile ? `omero.fs.omeroPasswordFile ${this.o.passwordFile}` : "OMERO_FS_OMERO_PASSWORD";
  }

  /** A child's environment: no password variables; the session store `store` (a user, or ADMIN_STORE). */
  childEnv(store: string | null): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...this.o.env };
    delete env.OMERO_FS_OMERO_PASSWORD;
    delete env.OMERO_PASSWORD;
    if (store !== null) {
      const dir = path.join(this.o.sessionsDir, store);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      env.OMERO_SESSIONDIR = dir;
    }
    return env;
  }

  /** Passwords known without reading the file (the environment's), to scrub from logged lines. */
  envSecrets(): string[] {
    const pw = this.o.env.OMERO_FS_OMERO_PASSWORD;
    return pw ? [pw] : [];
  }

  run(argv: string[], env: NodeJS.ProcessEnv, r: RunOpts): Promise<RunProcessResult> {
    const secrets = [...(r.secrets ?? []), ...this.envSecrets()];
    return runProcess(this.o.bin, argv, {
      env,
      timeoutMs: Math.max(1, r.timeoutMs),
      signal: r.signal,
      killGraceMs: this.o.killGraceMs,
      onSpawn: r.onSpawn,
      onLine: (stream, line) => {
        // `sessions key` prints the session key: a credential, kept out of the log
        if (stream === "stdout" && r.logStdout === false) return;
        const text = `omero ${stream}: ${scrubText(line, secrets)}`;
        if (r.tag === null) this.o.log.debug(text);
        else this.o.log.info(`${r.tag} ${text}`);
      },
    });
  }

  /** `omero sessions key` in a store: the key of its current session, or null. */
  async sessionKey(
    store: string,
    timeoutMs: number,
    signal?: AbortSignal,
    onSpawn?: (pgid: number) => void,
  ): Promise<string | null> {
    const k = await this.run(["sessions", "key"], this.childEnv(store), {
      timeoutMs,
      signal,
      onSpawn,
      tag: null,
      logStdout: false,
    });
    const key = [...k.stdout]
      .reverse()
      .find((l) => /^[\w-]{8,}$/.test(l.trim()))
      ?.trim();
    return k.exitCode === 0 && key ? key : null;
  }

  /**
   * The admin's own login, as cheap as a login can be: the CLI reuses the store's live session
   * ("Using session ...") and only creates one when it is gone. This is the outage probe: it
   * answers whether OMERO can be reached and accepts the admin.
   */
  async adminSession(timeoutMs = SMALL_COMMAND_MS, signal?: AbortSignal, store = ADMIN_STORE): Promise<AdminSession> {
    let password: string;
    try {
      password = await this.readPassword();
    } catch (e) {
      const reason = (e as Error).message;
      return { verdict: { scope: "server", problem: { kind: "login-refused", reason } }, output: [reason] };
    }
    const env = { ...this.childEnv(store), OMERO_PASSWORD: password };
    const argv = ["login", "-s", this.o.server, "-p", String(this.o.port), "-u", this.o.admin];
    this.o.log.debug(`OMERO admin login: ${this.o.bin} ${formatArgv(argv)}`);
    const r = await this.run(argv, env, { timeoutMs, signal, tag: null, secrets: [password] });
    if (r.spawnError || r.timedOut || r.aborted || r.exitCode !== 0) {
      const output = [...r.stderr, ...r.stdout].map((l) => scrubText(l, [password]));
      if (r.spawnError) {
        const reason =
          r.spawnError.code === "ENOENT"
            ? `omero CLI not found: ${this.o.bin} (set omero.fs.omeroBin)`
            : `omero CLI could not start: ${r.spawnError.message}`;
        return { verdict: { scope: "server", problem: { kind: "server-error", reason } }, output };
      }
      if (r.timedOut || r.aborted) {
        const reason = r.aborted
          ? "omero login aborted"
          : `OMERO at ${this.where} did not answer a login within ${Math.round(timeoutMs / 1000)} s`;
        return { verdict: { scope: "server", problem: { kind: "unreachable", reason } }, output };
      }
      return { verdict: classifyLogin(output, this.o.admin, this.passwordSource()), output };
    }
    const key = await this.sessionKey(store, timeoutMs, signal);
    if (!key)
      return {
        verdict: {
          scope: "server",
          problem: { kind: "server-error", reason: "omero sessions key printed no session key after the admin login" },
        },
        output: [],
      };
    return { key };
  }

  /** `omero -s S -p P -k KEY user list --style json`: every OMERO user with its e-mail address. */
  async users(key: string, timeoutMs = SMALL_COMMAND_MS, store = ADMIN_STORE): Promise<OmeroUser[]> {
    const r = await this.run(
      ["-s", this.o.server, "-p", String(this.o.port), "-k", key, "user", "list", "--style", "json"],
      this.childEnv(store),
      { timeoutMs, tag: null, secrets: [key], logStdout: false },
    );
    if (r.exitCode !== 0) throw new Error(`omero user list exited ${r.exitCode}: ${r.stderr.at(-1) ?? ""}`);
    return parseUserList(r.stdout);
  }

  /** A fresh empty directory for commands that need a path (removed after `fn`). */
  async withEmptyDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "omero-fs-check-"));
    try {
      return await fn(dir);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** Lines of a file the CLI wrote (---file, ---errs); [] when it is not there. */
export async function readLines(file: string): Promise<string[]> {
  try {
    const text = await fs.promises.readFile(file, "utf8");
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    return lines;
  } catch {
    return [];
  }
}
