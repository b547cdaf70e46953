import { partitionWalk } from "./paths";
import { WalkHolds } from "./walk-holds";

describe("WalkHolds", () => {
  it("holds every partition of a walked watch, and nothing of the others", () => {
    const h = new WalkHolds();
    expect(h.isHeld(0, "bob", "run1")).toBe(false);
    h.hold(0);
    expect(h.isHeld(0, "bob", "run1")).toBe(true);
    expect(h.isHeld(0, "bob", "")).toBe(true);
    expect(h.isHeld(1, "bob", "run1")).toBe(false);
    expect(h.release(0)).toBe(true);
    expect(h.isHeld(0, "bob", "run1")).toBe(false);
  });

  it("a partition walked on its own is released early; others stay held", () => {
    const h = new WalkHolds();
    h.hold(0);
    expect(h.claimWalk(0, "bob", "run1")).toBe(true);
    // Its walk runs: a second event starts no second walk, and it is still held.
    expect(h.claimWalk(0, "bob", "run1")).toBe(false);
    expect(h.isHeld(0, "bob", "run1")).toBe(true);
    h.walked(0, "bob", "run1", true);
    expect(h.isHeld(0, "bob", "run1")).toBe(false);
    expect(h.claimWalk(0, "bob", "run1")).toBe(false);
    expect(h.isHeld(0, "bob", "run2")).toBe(true);
    expect(h.isHeld(0, "alice", "run1")).toBe(true);
  });

  it("a failed partition walk leaves it held, and the next event tries again", () => {
    const h = new WalkHolds();
    h.hold(0);
    expect(h.claimWalk(0, "bob", "")).toBe(true);
    h.walked(0, "bob", "", false);
    expect(h.isHeld(0, "bob", "")).toBe(true);
    expect(h.claimWalk(0, "bob", "")).toBe(true);
  });

  it("nested holds: released by the last one; a new hold starts with nothing read", () => {
    const h = new WalkHolds();
    h.hold(0);
    h.hold(0);
    h.claimWalk(0, "bob", "a");
    h.walked(0, "bob", "a", true);
    expect(h.release(0)).toBe(false);
    expect(h.isHeld(0, "bob", "a")).toBe(false);
    expect(h.isHeld(0, "bob", "b")).toBe(true);
    expect(h.release(0)).toBe(true);
    h.hold(0);
    expect(h.isHeld(0, "bob", "a")).toBe(true);
    // A partition walk that ends after its hold is gone changes nothing.
    h.release(0);
    h.walked(0, "bob", "a", true);
    expect(h.holding(0)).toBe(false);
  });
});

describe("partitionWalk", () => {
  it("a folder partition: its whole subtree", () => {
    const w = partitionWalk("/d/bob", "run1");
    expect(w.from).toBe("/d/bob/run1");
    expect(w.descend("/d/bob/run1/Pos0")).toBe(true);
    expect(w.descend("/d/bob/run1/a/b")).toBe(true);
  });

  it("the root partition: the user's folder and only the companion folders that join it", () => {
    const w = partitionWalk("/d/bob", "");
    expect(w.from).toBe("/d/bob");
    expect(w.descend("/d/bob/Pos_0")).toBe(true);
    expect(w.descend("/d/bob/Pos_0/deeper")).toBe(true);
    expect(w.descend("/d/bob/img.oif.files")).toBe(true);
    expect(w.descend("/d/bob/_img_")).toBe(true);
    expect(w.descend("/d/bob/run1")).toBe(false);
    expect(w.descend("/d/bob/run1/Pos_0")).toBe(false);
  });
});
