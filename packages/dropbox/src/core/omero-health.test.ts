import {
  DEFAULT_PROBE,
  describeDown,
  initialHealth,
  mayImport,
  probeDue,
  probed,
  reached,
  serverProblem,
} from "./omero-health";

const P = { baseMs: 1000, maxMs: 8000 };
const refused = { kind: "unreachable" as const, reason: "Ice.ConnectionRefusedException: o:4064 isn't running" };

describe("OMERO health: pause on a whole-server problem, probe with backoff, resume by itself", () => {
  it("pauses once, probes at 1, 2, 4, 8, 8 s, resumes on the first answer", () => {
    let h = initialHealth(0);
    expect(mayImport(h)).toBe(true);
    let s = serverProblem(h, refused, 100_000, P);
    expect(s.change).toBe("paused");
    h = s.health;
    expect(h).toMatchObject({
      up: false,
      since: 100_000,
      reason: refused.reason,
      kind: "unreachable",
      nextProbeAt: 101_000,
    });
    expect(mayImport(h)).toBe(false);
    // Imports that were in flight report the same outage: no second "paused", same schedule.
    s = serverProblem(h, refused, 100_500, P);
    expect(s.change).toBeNull();
    expect(s.health.nextProbeAt).toBe(101_000);
    expect(probeDue(h, 100_999)).toBe(false);
    expect(probeDue(h, 101_000)).toBe(true);
    const at: number[] = [];
    let now = 101_000;
    for (let i = 0; i < 5; i++) {
      s = probed(h, refused, now, P);
      expect(s.change).toBeNull();
      h = s.health;
      at.push(h.nextProbeAt! - now);
      now = h.nextProbeAt!;
    }
    expect(at).toEqual([2000, 4000, 8000, 8000, 8000]);
    s = probed(h, null, now, P);
    expect(s.change).toBe("resumed");
    expect(s.health).toMatchObject({
      up: true,
      since: now,
      reason: null,
      kind: null,
      nextProbeAt: null,
      checkedAt: now,
    });
  });

  it("a two-minute outage with the production backoff: probes at 5, 15, 35, 75, 135 s; the first after it ends resumes", () => {
    // Issue 20's case on the injected clock (test/importers/outage.test.ts runs it end to end at 1/50 time).
    const outageEnds = 120_000;
    let s = serverProblem(initialHealth(0), refused, 0, DEFAULT_PROBE);
    const probes: number[] = [];
    let changes = [s.change];
    while (!s.health.up) {
      const now = s.health.nextProbeAt!;
      expect(mayImport(s.health)).toBe(false);
      probes.push(now);
      s = probed(s.health, now < outageEnds ? refused : null, now, DEFAULT_PROBE);
      changes = [...changes, s.change];
    }
    expect(probes).toEqual([5_000, 15_000, 35_000, 75_000, 135_000]);
    expect(changes.filter(Boolean)).toEqual(["paused", "resumed"]);
    expect(s.health.since).toBe(135_000);
  });

  it("an import that gets through resumes as a probe does; a failed one right after a resume backs off from there", () => {
    let h = serverProblem(initialHealth(0), refused, 10_000, P).health;
    h = probed(h, refused, 11_000, P).health;
    h = probed(h, refused, 13_000, P).health;
    const r = reached(h, 14_000);
    expect(r.change).toBe("resumed");
    h = r.health;
    // Down again 3 s later: the backoff goes on (4 s), not from 1 s.
    const again = serverProblem(h, refused, 17_000, P);
    expect(again.change).toBe("paused");
    expect(again.health.nextProbeAt).toBe(17_000 + 4000);
    // Down again long after: from the start.
    expect(serverProblem(h, refused, 14_000 + 8000, P).health.nextProbeAt).toBe(22_000 + 1000);
  });

  it("a probe that finds a different problem keeps the queue paused and says the new reason", () => {
    const h = serverProblem(initialHealth(0), refused, 0, P).health;
    const s = probed(h, { kind: "login-refused", reason: "bad password" }, 1000, P);
    expect(s.change).toBeNull();
    expect(s.health).toMatchObject({ up: false, since: 0, kind: "login-refused", reason: "bad password" });
    expect(describeDown(s.health)).toBe(
      "OMERO login refused since 1970-01-01T00:00:00.000Z: bad password; imports are paused (none counted as failed) and resume by themselves once it answers",
    );
    expect(describeDown(initialHealth(0))).toBeNull();
  });
});
