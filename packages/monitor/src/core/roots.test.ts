import { type MonitorRoots, rootsProblem } from "./roots";

const set: MonitorRoots = {
  dirs: ["/export/data", "/srv/drop"],
  real: ["/mnt/vol1/data", "/srv/drop"],
  fromProperty: true,
};

test("a folder under a root (as given or through the root's real path) is served", () => {
  expect(rootsProblem("/export/data", "/mnt/vol1/data", set)).toBeNull();
  expect(rootsProblem("/export/data/DropBox/amy", "/mnt/vol1/data/DropBox/amy", set)).toBeNull();
  expect(rootsProblem("/mnt/vol1/data/DropBox", "/mnt/vol1/data/DropBox", set)).toBeNull();
  expect(rootsProblem("/srv/drop/x", null, set)).toBeNull();
});

test("anything else is refused, naming the roots, the property and the fix", () => {
  expect(rootsProblem("/etc", "/etc", set)).toBe(
    "watchDir /etc is not under omero.fs.monitorRoots (/export/data, /srv/drop): this MonitorServer watches and lists only folders there; add the folder to omero.fs.monitorRoots on the MonitorServer's host (omero-fs config set monitorRoots ...)",
  );
  // Not a prefix match: /export/database is not under /export/data.
  expect(rootsProblem("/export/database", "/export/database", set)).toMatch(
    /^watchDir \/export\/database is not under/,
  );
});

test("a link inside a root that leads outside is refused with where it leads", () => {
  expect(rootsProblem("/export/data/etc", "/etc", set)).toBe(
    "watchDir /export/data/etc is /etc once its links are resolved, which is not under omero.fs.monitorRoots (/export/data, /srv/drop); add the folder to omero.fs.monitorRoots on the MonitorServer's host (omero-fs config set monitorRoots ...)",
  );
});

test("with the property empty, the home's watch folders are the roots, and the message says so", () => {
  const home: MonitorRoots = { dirs: ["/h/data/DropBox"], real: ["/h/data/DropBox"], fromProperty: false };
  expect(rootsProblem("/h/data/DropBox/amy", "/h/data/DropBox/amy", home)).toBeNull();
  expect(rootsProblem("/", "/", home)).toMatch(
    /^watchDir \/ is not under this home's watch folders \(\/h\/data\/DropBox\), which a MonitorServer serves while omero\.fs\.monitorRoots is empty:/,
  );
});
