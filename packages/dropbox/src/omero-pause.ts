/**
 * The queue's pause for OMERO (issue 20), applied: the state core/omero-health.ts decides, the
 * probe run off the serial chain and its answer applied on it, each change logged once, recorded
 * in the ledger (the notifier's `omero.paused` / `omero.resumed`, /metrics) and handed to the server
 * (health, `status`). Imports asks it whether it may start anything.
 */
import type { Chain, Shared, Ticks } from "./context";
import {
  type HealthStep,
  initialHealth,
  mayImport,
  type OmeroHealth,
  probeDue,
  probed,
  reached,
  type ServerProblemKind,
  serverProblem,
} from "./core/omero-health";
import type { Importer } from "./importers/types";

export type OmeroPauseContext = Shared & Chain & Pick<Ticks, "requestTick"> & { readonly importer: Importer };

export class OmeroPause {
  private health: OmeroHealth;
  private probing: Promise<void> | null = null;

  constructor(
    private readonly ctx: OmeroPauseContext,
    /** OMERO paused or resumed the queue (the server shows it: status, health). */
    private readonly onChange: (h: OmeroHealth) => void = () => undefined,
  ) {
    this.health = initialHealth(ctx.clock.now());
  }

  /** OMERO's state as the DropBox knows it (the `status` control method's `omero`). */
  get state(): OmeroHealth {
    return this.health;
  }

  /** The probe running now (null: none); Engine.settle waits for it. */
  get inFlight(): Promise<void> | null {
    return this.probing;
  }

  mayImport(): boolean {
    return mayImport(this.health);
  }

  /** An import's outcome: a whole-server problem pauses; an import that got through resumes. Call on the chain. */
  afterImport(ok: boolean, problem: { kind: ServerProblemKind; reason: string } | undefined, now: number): void {
    if (problem) this.apply(serverProblem(this.health, problem, now, this.ctx.opts().probe));
    // An import that went through proves OMERO answers (one that was in flight when it paused).
    else if (ok && this.ctx.importer.probe) this.apply(reached(this.health, now));
  }

  /** What a login outside an import found (the start's check): null = OMERO answered. Call on the chain. */
  login(problem: { kind: ServerProblemKind; reason: string } | null): void {
    const now = this.ctx.clock.now();
    this.apply(problem ? serverProblem(this.health, problem, now, this.ctx.opts().probe) : reached(this.health, now));
    this.ctx.requestTick();
  }

  private apply(step: HealthStep): void {
    this.health = step.health;
    if (step.change === null) return;
    const h = step.health;
    if (step.change === "paused")
      this.ctx.log.error(
        `OMERO ${h.kind === "unreachable" ? "unreachable" : h.kind === "login-refused" ? "login refused" : "server error"}: ${h.reason}; imports paused (none counted as failed), asking again in ${Math.round(((h.nextProbeAt ?? h.since) - h.since) / 1000)} s and then with backoff`,
      );
    else this.ctx.log.info("OMERO answers again: imports resume");
    this.ctx.ledger.omero.event(h.up, h.kind, h.reason, h.since);
    this.onChange(h);
  }

  /** Paused: run the probe when it is due (off the chain); returns when to look again. */
  probeIfDue(now: number): number {
    if (this.probing) return Number.POSITIVE_INFINITY;
    if (!probeDue(this.health, now)) return this.health.nextProbeAt ?? Number.POSITIVE_INFINITY;
    const importer = this.ctx.importer;
    if (!importer.probe) {
      this.apply(reached(this.health, now));
      return now;
    }
    this.probing = (async () => {
      let problem: { kind: ServerProblemKind; reason: string } | null;
      try {
        problem = await importer.probe!();
      } catch (e) {
        problem = { kind: "server-error", reason: `the probe failed: ${(e as Error).message}` };
      }
      await this.ctx.serial(() => {
        const before = this.health.failures;
        this.apply(probed(this.health, problem, this.ctx.clock.now(), this.ctx.opts().probe));
        if (problem && this.health.failures > before)
          this.ctx.log.info(
            `OMERO still cannot be used (${problem.reason}); asking again in ${Math.round(((this.health.nextProbeAt ?? 0) - this.ctx.clock.now()) / 1000)} s`,
          );
      });
    })().finally(() => {
      this.probing = null;
      this.ctx.requestTick();
    });
    return Number.POSITIVE_INFINITY;
  }
}
