import { partitionWalk, type WatchScope } from "./paths";
import { partitionLeft, rootPartitionListed, WalkHolds } from "./walk-holds";

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
    expect(h.isHeld(0, "bob", "a")).toBe(false);
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

describe("partitionLeft: what a depth-first walk has read whole when it leaves a folder", () => {
  const byUser = { watchDir: "/d", user: "default" } as WatchScope;
  const oneUser = { watchDir: "/d", user: "bob" } as WatchScope;

  it("default layout: a user's folder (its root partition), or a first-level folder in it", () => {
    expect(partitionLeft(byUser, "/d/bob")).toEqual({ user: "bob", part: "" });
    expect(partitionLeft(byUser, "/d/bob/run1")).toEqual({ user: "bob", part: "run1" });
    // Deeper folders, companion folders (part of the root partition) and the watch folder: nothing.
    expect(partitionLeft(byUser, "/d/bob/run1/Pos0")).toBeNull();
    expect(partitionLeft(byUser, "/d/bob/Pos_0")).toBeNull();
    expect(partitionLeft(byUser, "/d/bob/img.oif.files")).toBeNull();
    expect(partitionLeft(byUser, "/d")).toBeNull();
  });

  it("one user's watch: the watch folder is the user's folder", () => {
    expect(partitionLeft(oneUser, "/d")).toEqual({ user: "bob", part: "" });
    expect(partitionLeft(oneUser, "/d/run1")).toEqual({ user: "bob", part: "run1" });
    expect(partitionLeft(oneUser, "/d/run1/a")).toBeNull();
  });

  it("read: released until the next hold, or until the walk is asked again", () => {
    const h = new WalkHolds();
    h.hold(0);
    h.read(0, "bob", "run1");
    expect(h.isHeld(0, "bob", "run1")).toBe(false);
    expect(h.isHeld(0, "bob", "run2")).toBe(true);
    h.readAgain(0);
    expect(h.isHeld(0, "bob", "run1")).toBe(true);
  });
});

describe("rootPartitionListed: a user's own files are read once the folder is listed, unless companion folders follow", () => {
  const byUser = { watchDir: "/d", user: "default" } as WatchScope;
  it("no companion folder below: read", () => {
    expect(rootPartitionListed(byUser, "/d/bob", ["/d/bob/run1", "/d/bob/run2"])).toBe("bob");
    expect(rootPartitionListed(byUser, "/d/bob", [])).toBe("bob");
  });
  it("a companion folder below (Pos_0, x.oif.files): not yet; other folders: never", () => {
    expect(rootPartitionListed(byUser, "/d/bob", ["/d/bob/run1", "/d/bob/Pos_0"])).toBeNull();
    expect(rootPartitionListed(byUser, "/d/bob", ["/d/bob/x.oif.files"])).toBeNull();
    expect(rootPartitionListed(byUser, "/d/bob/run1", [])).toBeNull();
    expect(rootPartitionListed(byUser, "/d", ["/d/bob"])).toBeNull();
  });
});
