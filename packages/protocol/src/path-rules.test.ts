import { linkedFolderProblem } from "./path-rules";

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
