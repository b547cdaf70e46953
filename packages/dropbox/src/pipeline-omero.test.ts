/**
 * OMERO outages in the pipeline (issue 20), on an injected clock: a whole-server problem pauses
 * the queue without spending any fileset's attempts; probes back off; the first answer resumes.
 */
import * as path from "node:path";
import { omeroEventsAfter } from "./ledger/omero";
import { Pipeline } from "./__fixtures__/pipeline";

const REFUSED = { kind: "unreachable" as const, reason: "Ice.ConnectionRefusedException: omero:4064 isn't running" };

describe("OMERO outages: paused, not failed", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });

  it("an outage pauses the queue (no retry spent, even with importRetries 0), probes at 1, 2, 4 s and resumes by itself", async () => {
    let down = true;
    p = new Pipeline({
      quietMs: 1000,
      retries: 0,
      outcome: () =>
        down
          ? { ok: false, retryable: true, error: `OMERO unreachable: ${REFUSED.reason}`, serverProblem: REFUSED }
          : {},
      probe: (n) => {
        if (n < 3) return REFUSED;
        down = false;
        return null;
      },
      probePolicy: { baseMs: 1000, maxMs: 8000 },
    });
    await p.drop("amy/a.dv");
    await p.drop("amy/b.dv");
    await p.drop("bob/c.dv");
    const t0 = p.clock.now();
    await p.advance(1000);
    // One run met the outage; the queue paused: nothing else started.
    expect(p.starts).toHaveLength(1);
    const paused = p.clock.now();
    expect(p.engine.omeroHealth()).toMatchObject({
      up: false,
      reason: REFUSED.reason,
      nextProbeAt: paused + 1000,
    });
    await p.advance(30_000);
    // Probes at +1 s, +2 s after that, +4 s after that: the third answers.
    expect(p.probes.map((t) => t - paused)).toEqual([1000, 3000, 7000]);
    expect(p.engine.omeroHealth().up).toBe(true);
    const imported = p.ledger.db.prepare("SELECT state, COUNT(*) AS n FROM filesets GROUP BY state").all();
    expect(imported).toEqual([{ state: "imported", n: 3 }]);
    // Each fileset imported once after the resumption (the first one also ran into the outage once).
    const after = p.starts.filter((s) => s.at >= paused + 7000);
    expect(after.map((s) => path.basename(s.entry)).sort()).toEqual(["a.dv", "b.dv", "c.dv"]);
    expect(p.starts[0]!.at - t0).toBe(1000);
    // Logged and recorded once each: paused, resumed.
    expect(p.lines.filter((l) => /^error OMERO unreachable: .*imports paused/.test(l))).toHaveLength(1);
    expect(p.lines.filter((l) => l === "info OMERO answers again: imports resume")).toHaveLength(1);
    expect(omeroEventsAfter(p.ledger.db, 0).map((e) => [e.up, e.kind])).toEqual([
      [false, "unreachable"],
      [true, null],
    ]);
    // The run that met the outage is in the history, marked as not counted.
    const runs = p.ledger.db.prepare("SELECT n, ok, error FROM attempts ORDER BY id").all() as {
      error: string | null;
    }[];
    expect(runs[0]!.error).toMatch(/^OMERO unreachable: .*\(not counted: the queue waits for OMERO\)$/);
  });

  it("a fileset's own failure is not an outage: retried and failed as before, no probe", async () => {
    p = new Pipeline({
      quietMs: 1000,
      retries: 0,
      outcome: () => ({ ok: false, retryable: true, error: "omero import exited 2: FormatException" }),
      probe: () => null,
    });
    await p.drop("amy/a.dv");
    await p.advance(5000);
    expect(p.probes).toEqual([]);
    expect(p.engine.omeroHealth().up).toBe(true);
    expect(p.ledger.filesets.get(1)?.state).toBe("failed");
  });
});
