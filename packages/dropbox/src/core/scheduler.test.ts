import { newSchedState, pickJobs, type SchedJob } from "./scheduler";

const job = (id: number, user: string, watch = 0, notBefore = 0): SchedJob => ({ id, user, watch, notBefore });

describe("pickJobs", () => {
  it("starts at most `concurrency` at once", () => {
    const s = newSchedState();
    const d = pickJobs([job(1, "a"), job(2, "a"), job(3, "a")], 0, s, { concurrency: 2, throttleMs: () => 0 }, 0);
    expect(d.start.map((j) => j.id)).toEqual([1, 2]);
    expect(pickJobs([job(3, "a")], 2, s, { concurrency: 2, throttleMs: () => 0 }, 0).start).toEqual([]);
  });
  it("throttles starts per watch and says when to look again", () => {
    const s = newSchedState();
    const cfg = { concurrency: 5, throttleMs: (w: number) => (w === 0 ? 3000 : 0) };
    let d = pickJobs([job(1, "a"), job(2, "a"), job(3, "b", 1)], 0, s, cfg, 1000);
    expect(d.start.map((j) => j.id)).toEqual([1, 3]);
    expect(d.wakeAt).toBe(4000);
    d = pickJobs([job(2, "a")], 0, s, cfg, 3999);
    expect(d.start).toEqual([]);
    d = pickJobs([job(2, "a")], 0, s, cfg, 4000);
    expect(d.start.map((j) => j.id)).toEqual([2]);
  });
  it("round-robins across users so one big drop does not starve a single file", () => {
    const s = newSchedState();
    const jobs = [...Array.from({ length: 100 }, (_, i) => job(i + 1, "amy")), job(500, "zak")];
    const order: number[] = [];
    let pending = jobs;
    for (let t = 0; t < 4; t++) {
      const d = pickJobs(pending, 0, s, { concurrency: 1, throttleMs: () => 0 }, t);
      order.push(...d.start.map((j) => j.id));
      pending = pending.filter((j) => !d.start.includes(j));
    }
    expect(order).toEqual([1, 500, 2, 3]);
  });
  it("honours retry backoff (notBefore)", () => {
    const s = newSchedState();
    const d = pickJobs([job(1, "a", 0, 5000)], 0, s, { concurrency: 1, throttleMs: () => 0 }, 1000);
    expect(d.start).toEqual([]);
    expect(d.wakeAt).toBe(5000);
  });
});
