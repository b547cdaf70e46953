import { KnownTree } from "./known";

test("known tree: add, remove subtrees, children, inodes", () => {
  const k = new KnownTree("/w");
  expect(k.add("/w/a", false, 5)).toBe(true);
  expect(k.add("/w/a", false)).toBe(false);
  k.add("/w/d", true);
  k.add("/w/d/x", false);
  k.add("/w/d/e", true);
  k.add("/w/d/e/y", false);
  expect(k.size).toBe(5);
  expect(k.isDir("/w/d")).toBe(true);
  expect(k.inoOf("/w/a")).toBe(0);
  k.add("/w/a", false, 7);
  expect(k.inoOf("/w/a")).toBe(7);
  expect([...(k.children("/w/d")?.keys() ?? [])].sort()).toEqual(["e", "x"]);
  expect(k.remove("/w/d")).toBe(true);
  expect(k.size).toBe(1);
  expect(k.has("/w/d/e/y")).toBe(false);
  expect(k.hasDir("/w/d/e")).toBe(false);
  expect(k.remove("/w/zz")).toBe(false);
});
