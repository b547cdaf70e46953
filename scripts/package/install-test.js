#!/usr/bin/env node
/*
 * The package as a facility installs it (issue 21): pack the tarball, `npm i -g` it into a
 * temporary prefix, then, with a temporary user home (the default home ~/.omero-fs lives there),
 * `omero-fs admin start`, import the sample image, `admin stop`. Prints the seconds of each step.
 *
 *   node scripts/package/install-test.js [--compile] [--keep]
 *
 * better-sqlite3 has no prebuilt binary reachable here (GitHub is not), so npm compiles it (about a
 * minute). By default its prebuild-install is handed the binary this checkout already compiled
 * (same version, same Node ABI: npm_config_better_sqlite3_local_prebuilds); --compile builds it as
 * a fresh machine without a prebuilt binary does. Everything else comes from the npm registry.
 */
const { execFileSync, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const REPO = path.resolve(__dirname, "..", "..");
const compile = process.argv.includes("--compile");
const keep = process.argv.includes("--keep");
const times = [];
const step = (name, f) => {
  const t = performance.now();
  const r = f();
  times.push([name, (performance.now() - t) / 1000]);
  return r;
};

/** A prebuild-install tarball of the better-sqlite3 binary this checkout built. */
function localPrebuild(dir) {
  const from = path.dirname(
    require.resolve("better-sqlite3/package.json", { paths: [path.join(REPO, "packages", "dropbox")] }),
  );
  const { version } = JSON.parse(fs.readFileSync(path.join(from, "package.json"), "utf8"));
  const staging = path.join(dir, "staging");
  fs.mkdirSync(path.join(staging, "build", "Release"), { recursive: true });
  fs.copyFileSync(
    path.join(from, "build", "Release", "better_sqlite3.node"),
    path.join(staging, "build", "Release", "better_sqlite3.node"),
  );
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync("tar", ["czf", path.join(dir, name), "-C", staging, "build"]);
  return dir;
}

function run(cmd, args, env, timeout = 600_000) {
  const r = spawnSync(cmd, args, { env, encoding: "utf8", timeout });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(" ")}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "omero-fs-install-")));
const prefix = path.join(work, "prefix");
const userHome = path.join(work, "user");
fs.mkdirSync(userHome);
// A clean environment: no OMERO_FS_* of the caller; the home is the default under HOME.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
const userEnv = { ...env, HOME: userHome, OMERO_FS_HTTP_ADDRESS: "127.0.0.1:0", OMERO_FS_THROTTLE_IMPORT: "0" };
let bin = "";
try {
  const tgz = step(
    "pack",
    () => run(process.execPath, [path.join(REPO, "scripts", "package", "pack.js"), "--out", work], env).split("\n")[0],
  );
  const installEnv = {
    ...env,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
  if (!compile) installEnv.npm_config_better_sqlite3_local_prebuilds = localPrebuild(path.join(work, "prebuilds"));
  step(`npm i -g (${compile ? "compiling better-sqlite3" : "better-sqlite3 from this checkout's build"})`, () =>
    run("npm", ["install", "--global", "--prefix", prefix, tgz], installEnv),
  );
  bin = path.join(prefix, "bin", "omero-fs");
  const version = run(bin, ["--version"], userEnv).trim();
  const started = step("omero-fs admin start", () =>
    JSON.parse(run(bin, ["admin", "start", "--json"], userEnv, 120_000)),
  );
  const home = path.join(userHome, ".omero-fs");
  if (started.home !== home) throw new Error(`the default home is ${started.home}, not ${home}`);
  if (!started.servers.every((s) => s.state === "running"))
    throw new Error(`not running: ${JSON.stringify(started.servers)}`);
  step("first import (the sample OME-TIFF)", () => {
    const dest = path.join(home, "data", "DropBox", "amy");
    fs.mkdirSync(dest, { recursive: true });
    fs.copyFileSync(
      path.join(prefix, "lib", "node_modules", "omero-fs", "samples", "sample.ome.tif"),
      path.join(dest, "sample.ome.tif"),
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const list = JSON.parse(run(bin, ["imports", "list", "--json"], userEnv));
      if (list.some((i) => i.state === "imported")) return;
      if (list.some((i) => i.state === "failed")) throw new Error(`the sample failed: ${JSON.stringify(list)}`);
      if (Date.now() > deadline) throw new Error(`not imported within 60 s: ${JSON.stringify(list)}`);
      spawnSync("sleep", ["0.2"]);
    }
  });
  step("omero-fs admin stop", () => run(bin, ["admin", "stop"], userEnv));
  process.stdout.write(`installed omero-fs ${version} into ${prefix}; started, imported the sample, stopped\n`);
  for (const [name, s] of times) process.stdout.write(`  ${name}: ${s.toFixed(1)} s\n`);
} catch (e) {
  if (bin) spawnSync(bin, ["admin", "stop"], { env: userEnv, timeout: 60_000 });
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
} finally {
  if (keep) process.stdout.write(`kept ${work}\n`);
  else fs.rmSync(work, { recursive: true, force: true });
}
