import { coalesceTypes, PendingEvents } from "./coalesce";

test.each([
  [undefined, "Create", "Create"],
  ["Create", "Modify", "Create"],
  ["Create", "Delete", null],
  ["Modify", "Modify", "Modify"],
  ["Modify", "Delete", "Delete"],
  ["Delete", "Create", "Create"],
  ["Delete", "Modify", "Modify"],
  ["Modify", "Create", "Create"],
] as const)("%s + %s = %s", (prev, next, want) => {
  expect(coalesceTypes(prev, next)).toBe(want);
});

test("pending events keep order and drop create+delete", () => {
  const p = new PendingEvents();
  const ev = (path: string, type: "Create" | "Modify" | "Delete", catchUp = false) => ({
    path,
    type,
    isDir: false,
    catchUp,
  });
  p.add(ev("/a", "Create"));
  p.add(ev("/b", "Create"));
  p.add(ev("/a", "Modify"));
  p.add(ev("/b", "Delete"));
  p.add(ev("/c", "Delete", true));
  p.add(ev("/c", "Create", true));
  expect(p.drain()).toEqual([ev("/a", "Create"), ev("/c", "Create", true)]);
  expect(p.size).toBe(0);
});
