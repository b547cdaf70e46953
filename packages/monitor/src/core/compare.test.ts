import { compareWithKnown, contentMatters, eventsOf, fastPathSkips, knownAfter, sightingChanged } from "./compare";
import { ABSENT, entryCode } from "./known";

const file = (ino = 0) => entryCode(false, ino);
const dir = (ino = 0) => entryCode(true, ino);

test("absent and unknown paths: nothing, create, delete", () => {
  expect(compareWithKnown(ABSENT, ABSENT)).toBe("none");
  expect(compareWithKnown(ABSENT, file(7))).toBe("create");
  expect(compareWithKnown(ABSENT, dir())).toBe("create");
  expect(compareWithKnown(file(7), ABSENT)).toBe("delete");
  expect(compareWithKnown(dir(), ABSENT)).toBe("delete");
});

test("the same entry: nothing, or Modify for a changed file, learning an inode a listing did not give", () => {
  expect(compareWithKnown(file(7), file(7))).toBe("none");
  expect(compareWithKnown(file(7), file(7), true)).toBe("modify");
  expect(compareWithKnown(dir(9), dir(9), true)).toBe("none"); // a directory has no content
  expect(compareWithKnown(file(0), file(8))).toBe("learnInode");
  expect(compareWithKnown(file(0), file(8), true)).toBe("learnInodeModify");
  // A listing gives no inode: never a replacement.
  expect(compareWithKnown(file(7), file(0))).toBe("none");
  expect(compareWithKnown(file(0), file(0), true)).toBe("modify");
});

test("another entry under a known name: replace (other kind, or other inode)", () => {
  expect(compareWithKnown(file(7), file(8))).toBe("replace");
  expect(compareWithKnown(file(7), dir(8))).toBe("replace");
  expect(compareWithKnown(dir(), file())).toBe("replace");
});

test("events and known-set after each verdict", () => {
  expect(eventsOf("/w/a", "replace", dir(), file(3), false)).toEqual([
    { path: "/w/a", type: "Delete", isDir: true, catchUp: false },
    { path: "/w/a", type: "Create", isDir: false, catchUp: false },
  ]);
  expect(eventsOf("/w/a", "delete", file(3), ABSENT, true)).toEqual([
    { path: "/w/a", type: "Delete", isDir: false, catchUp: true },
  ]);
  expect(eventsOf("/w/a", "learnInodeModify", file(), file(3), false)).toEqual([
    { path: "/w/a", type: "Modify", isDir: false, catchUp: false },
  ]);
  expect(eventsOf("/w/a", "learnInode", file(), file(3), false)).toEqual([]);
  expect(knownAfter("learnInode", file(3))).toBe(file(3));
  expect(knownAfter("modify", file(3))).toBeNull();
  expect(knownAfter("delete", ABSENT)).toBe(ABSENT);
  expect(knownAfter("replace", dir(4))).toBe(dir(4));
});

test("content matters for files on both sides only; the fast path leaves directories to the watcher", () => {
  expect(contentMatters(file(), file(2))).toBe(true);
  expect(contentMatters(file(), dir())).toBe(false);
  expect(contentMatters(ABSENT, file())).toBe(false);
  expect(fastPathSkips(ABSENT, file(7))).toBe(false);
  expect(fastPathSkips(ABSENT, dir(7))).toBe(true);
  expect(fastPathSkips(dir(7), file(8))).toBe(true);
  expect(fastPathSkips(file(7), ABSENT)).toBe(false);
  expect(fastPathSkips(dir(7), ABSENT)).toBe(true);
});

test("a name appearing at a path known without its inode counts as changed (an atomic replace in a listed folder)", () => {
  const listed = entryCode(false);
  expect(sightingChanged(listed, "appeared")).toBe(true);
  expect(compareWithKnown(listed, entryCode(false, 42), sightingChanged(listed, "appeared"))).toBe("learnInodeModify");
  // Known with its inode: compared by inode as always (another inode is a replace, the same is nothing).
  expect(sightingChanged(entryCode(false, 7), "appeared")).toBe(false);
  expect(sightingChanged(ABSENT, "appeared")).toBe(false);
  expect(sightingChanged(entryCode(true), "appeared")).toBe(false);
  expect(sightingChanged(entryCode(false, 7), "update")).toBe(true);
  expect(sightingChanged(listed, "other")).toBe(false);
});
