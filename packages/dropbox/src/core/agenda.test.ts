import { Agenda } from "./agenda";

describe("agenda: when each waiting fileset is judged again", () => {
  it("gives back a fileset only when its deadline comes or it is touched", () => {
    const a = new Agenda();
    a.set(1, "amy", 1000);
    a.set(2, "amy", Number.POSITIVE_INFINITY);
    expect(a.earliest()).toBe(1000);
    expect(a.takeDue(999, 10)).toEqual([]);
    expect(a.takeDue(1000, 10)).toEqual([{ id: 1, user: "amy" }]);
    expect(a.has(1)).toBe(false);
    expect(a.takeDue(1e12, 10)).toEqual([]);
    a.touch(2, "amy");
    expect(a.earliest()).toBe(Number.NEGATIVE_INFINITY);
    expect(a.takeDue(0, 10)).toEqual([{ id: 2, user: "amy" }]);
    expect(a.size).toBe(0);
  });

  it("a moved deadline replaces the old one; a deleted fileset is never given back", () => {
    const a = new Agenda();
    a.set(1, "amy", 500);
    a.set(1, "amy", 2000);
    a.set(2, "amy", 600);
    a.delete(2);
    expect(a.earliest()).toBe(2000);
    expect(a.takeDue(1999, 10)).toEqual([]);
    expect(a.takeDue(2000, 10)).toEqual([{ id: 1, user: "amy" }]);
  });

  it("users take turns: one user's thousands of due filesets do not delay another's one", () => {
    const a = new Agenda();
    for (let i = 1; i <= 5000; i++) a.set(i, "amy", 100);
    a.set(9999, "zak", 100);
    const first = a.takeDue(100, 10);
    expect(first).toHaveLength(10);
    expect(first.slice(0, 2).map((d) => d.user)).toContain("zak");
    // Within a user, the earliest deadline first.
    a.set(20_000, "amy", 50);
    expect(a.takeDue(100, 1)).toEqual([{ id: 20_000, user: "amy" }]);
  });

  it("the least recently served user goes first", () => {
    const a = new Agenda();
    a.set(1, "amy", 0);
    a.set(2, "zak", 0);
    expect(a.takeDue(0, 1)).toEqual([{ id: 1, user: "amy" }]);
    a.set(3, "amy", 0);
    expect(a.takeDue(0, 1)).toEqual([{ id: 2, user: "zak" }]);
    expect(a.takeDue(0, 1)).toEqual([{ id: 3, user: "amy" }]);
  });

  it("stays small and right while deadlines move many times", () => {
    const a = new Agenda();
    for (let round = 0; round < 50; round++) for (let i = 0; i < 100; i++) a.set(i, "amy", 1000 + round);
    expect(a.size).toBe(100);
    expect(a.earliest()).toBe(1049);
    expect(a.takeDue(1048, 1000)).toEqual([]);
    expect(a.takeDue(1049, 1000)).toHaveLength(100);
  });

  it("a fileset that changes user (a regroup) moves with it", () => {
    const a = new Agenda();
    a.set(1, "amy", 10);
    a.set(1, "zak", 20);
    expect(a.userOf(1)).toBe("zak");
    expect(a.takeDue(15, 10)).toEqual([]);
    expect(a.takeDue(20, 10)).toEqual([{ id: 1, user: "zak" }]);
  });
});
