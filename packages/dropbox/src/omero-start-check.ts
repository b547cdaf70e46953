/**
 * The DropBox with the omero importer checks the OMERO side when it starts (issue 20): the same
 * checks as `omero-fs omero check` (importers/check.ts). A failure makes the DropBox `degraded`
 * with the first failure and its fix (admin status exits 2), never silently running; a login that
 * fails for the whole server pauses the queue as an outage does. While a check fails it is run
 * again every `everyMs` (and the outage's probe resumes the queue by itself).
 */
import type { Logger, OmeroFsConfig } from "@omero-fs/config";
import type { ServerProblem } from "./importers/omero-output";
import { checkOmero } from "./importers/check";
import { omeroSessionsDir } from "./importers";
import type { HealthProblems } from "./health";

export class OmeroStartCheck {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly config: OmeroFsConfig,
    private readonly health: HealthProblems,
    private readonly log: Logger,
    /** The admin's login: null (OMERO answered) or what failed for the whole server (the queue pauses). */
    private readonly login: (p: ServerProblem | null) => void,
    private readonly everyMs: number,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Run the checks once (the start waits for it before it says ready). */
  async run(): Promise<void> {
    if (this.stopped) return;
    let failed: { name: string; detail: string; fix: string | null }[];
    try {
      const r = await checkOmero(this.config, {
        env: this.env,
        sessionsDir: omeroSessionsDir(this.config),
        log: this.log,
        killGraceMs: 2000,
      });
      for (const c of r.checks) {
        const line = `omero check: ${c.ok === true ? "ok" : c.ok === false ? "FAILED" : "not verified"}: ${c.name}: ${c.detail}${c.ok === false && c.fix ? ` (fix: ${c.fix})` : ""}`;
        if (c.ok === false) this.log.error(line);
        else this.log.info(line);
      }
      if (r.loginProblem || r.checks.some((c) => c.name === "login" && c.ok === true)) this.login(r.loginProblem);
      failed = r.checks.filter((c) => c.ok === false);
    } catch (e) {
      failed = [{ name: "check", detail: (e as Error).message, fix: null }];
    }
    if (failed.length === 0) {
      this.health.clear("omero-check");
      return;
    }
    const f = failed[0]!;
    this.health.set(
      "omero-check",
      `omero check failed (${failed.length} check${failed.length === 1 ? "" : "s"}): ${f.name}: ${f.detail}${f.fix ? `; fix: ${f.fix}` : ""} (omero-fs omero check lists them all)`,
    );
    this.again();
  }

  private again(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
