import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/wait";

/**
 * The installable package (issue 21): scripts/package/install-test.js packs omero-fs-<version>.tgz,
 * installs it with `npm i -g` into a temporary prefix, starts it with the default home under a
 * temporary user's home, imports the sample image and stops it. About 35 s here (20 s of it npm).
 */

jest.setTimeout(600_000);

test("npm pack gives one tarball that installs, starts, imports the sample and stops", () => {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "package", "install-test.js")], {
    encoding: "utf8",
    timeout: 590_000,
  });
  process.stdout.write(r.stdout);
  expect({ code: r.status, err: r.stderr }).toEqual({ code: 0, err: "" });
  expect(r.stdout).toMatch(/^installed omero-fs \S+ into .*; started, imported the sample, stopped$/m);
});
