import { describeDown, initialHealth, mayImport, probeDue, probed, reached, serverProblem } from "./omero-health";

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
