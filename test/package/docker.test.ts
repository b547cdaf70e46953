import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/wait";

/**
 * The container files (issue 21; no Docker engine here, so their text is checked): health checks
 * exit 0 or 1 only (Docker reserves 2, which `admin status` uses), OMERO.server is healthy before
 * omero-fs and OMERO.web start, and the image installs the package rather than a checkout.
 */

const read = (f: string) => fs.readFileSync(path.join(REPO_ROOT, "docker", f), "utf8");

test("the image installs the packed tarball and its health check exits 0 or 1", () => {
  const d = read("Dockerfile");
  expect(d).toContain("node scripts/package/pack.js");
  expect(d).toMatch(/npm install --global --prefix \/opt\/omero-fs .*omero-fs-\*\.tgz/);
  expect(d).toMatch(/HEALTHCHECK .*\n\s+CMD \["sh", "-c", "omero-fs admin status > \/dev\/null \|\| exit 1"\]/);
});

test("compose: health-ordered start, OMERO.web, every health check 0 or 1", () => {
  const c = read("docker-compose.yml");
  const service = (name: string) => {
    const m = new RegExp(`\\n  ${name}:\\n([\\s\\S]*?)(?=\\n  [a-z-]+:\\n|\\n[a-z]+:\\n|$)`).exec(c);
    if (!m) throw new Error(`no service ${name}`);
    return m[1]!;
  };
  for (const [svc, needs] of [
    ["omeroserver", "database"],
    ["omero-fs", "omeroserver"],
    ["omeroweb", "omeroserver"],
  ])
    expect({ svc, dependsOn: service(svc!) }).toEqual({
      svc,
      dependsOn: expect.stringContaining(`depends_on:\n      ${needs}:\n        condition: service_healthy`),
    });
  expect(service("omeroweb")).toContain('image: "openmicroscopy/omero-web-standalone:5"');
  const tests = [...c.matchAll(/healthcheck:\n\s+test:((?:\n\s+- .*)+|.*)/g)].map((m) => m[1]!.trim());
  expect(tests).toHaveLength(3);
  for (const t of tests) expect(t).toMatch(/\|\| exit 1"?\]?$/);
});
