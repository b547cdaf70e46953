import { depthBelow, folderDepthProblem, linkedFolderProblem, MAX_FOLDER_DEPTH } from "./path-rules";

describe("linkedFolderProblem (a user's folder that is a symlink)", () => {
  const base = { link: "/d/DropBox/bob", linkUid: 1000, adminUids: [0, 1000], realWatchDir: "/d/DropBox" };
  test("an admin's link to a folder outside the watch is followed", () => {
    expect(linkedFolderProblem({ ...base, realTarget: "/data/bob" })).toBeNull();
    expect(linkedFolderProblem({ ...base, linkUid: 0, realTarget: "/data/bob" })).toBeNull();
  });
  test("a link made by another user is not followed, naming its owner", () => {
    expect(linkedFolderProblem({ ...base, linkUid: 1001, realTarget: "/data/bob" })).toMatch(
      /belongs to uid 1001, not to root or the user the server runs as \(uid 1000\): not followed/,
    );
  });
  test("a link into the watch directory, or to a folder that holds it, is not followed", () => {
    expect(linkedFolderProblem({ ...base, realTarget: "/d/DropBox/amy" })).toMatch(/points inside the watch directory/);
    expect(linkedFolderProblem({ ...base, realTarget: "/d/DropBox" })).toMatch(/points inside the watch directory/);
    expect(linkedFolderProblem({ ...base, realTarget: "/" })).toMatch(
      /holds the watch directory: not followed \(a loop\)/,
    );
    expect(linkedFolderProblem({ ...base, realTarget: "/d" })).toMatch(/a loop/);
  });
});

describe("folder depth (a too-deep part of a tree is refused, not walked)", () => {
  test("depthBelow counts levels below the root", () => {
    expect(depthBelow("/w", "/w")).toBe(0);
    expect(depthBelow("/w", "/w/a")).toBe(1);
    expect(depthBelow("/w", "/w/a/b/c")).toBe(3);
    expect(depthBelow("/", "/a/b")).toBe(2);
  });
  test("a folder at MAX_FOLDER_DEPTH is refused with the reason; one level less is entered", () => {
    expect(folderDepthProblem("/w/x", MAX_FOLDER_DEPTH - 1)).toBeNull();
    expect(folderDepthProblem("/w/x", MAX_FOLDER_DEPTH)).toMatch(
      /^folder \/w\/x is 256 levels below the watch directory: what is inside it is not watched, listed or imported \(at most 256 levels are; move the data higher up\)$/,
    );
  });
});
