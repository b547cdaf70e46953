#!/usr/bin/env node
/*
 * One installable tarball, omero-fs-<version>.tgz (issue 21): the CLI package with the other
 * workspace packages bundled (node_modules/@omero-fs/*, compiled JavaScript only) and every
 * outside dependency, native ones included (better-sqlite3, zeromq, @parcel/watcher), as an
 * ordinary dependency that npm installs on the target machine. Run after `tsc -b`.
 *
 *   node scripts/package/pack.js [--out DIR]      # prints the tarball's path
 *   npm i -g ./omero-fs-<version>.tgz             # then: omero-fs admin start
 */
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const REPO = path.resolve(__dirname, "..", "..");
const PACKAGES = ["protocol", "config", "readers", "monitor", "dropbox"];
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};

const readJson = (f) => JSON.parse(fs.readFileSync(f, "utf8"));

/** Compiled JavaScript and data only: no declarations, source maps, build info or test fixtures. */
function copyDist(from, to) {
  if (!fs.existsSync(from)) throw new Error(`${from} is missing: build first (npx tsc -b)`);
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) => {
      const b = path.basename(src);
      if (fs.statSync(src).isDirectory()) return b !== "__fixtures__";
      return !/\.d\.ts$|\.map$|\.tsbuildinfo$|\.test\.js$/.test(b);
    },
  });
}

/** The outside dependencies of every package, one version each (the workspace pins exact ones). */
function outsideDependencies() {
  const deps = {};
  for (const p of [...PACKAGES, "cli"]) {
    for (const [name, spec] of Object.entries(
      readJson(path.join(REPO, "packages", p, "package.json")).dependencies ?? {},
    )) {
      if (name.startsWith("@omero-fs/")) continue;
      if (deps[name] && deps[name] !== spec)
        throw new Error(`${name}: packages/${p} wants ${spec}, another package ${deps[name]}; use one version`);
      deps[name] = spec;
    }
  }
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
}

function stage(dir) {
  const cli = readJson(path.join(REPO, "packages", "cli", "package.json"));
  const root = readJson(path.join(REPO, "package.json"));
  fs.mkdirSync(dir, { recursive: true });
  copyDist(path.join(REPO, "packages", "cli", "dist"), path.join(dir, "dist"));
  fs.cpSync(path.join(REPO, "packages", "cli", "bin"), path.join(dir, "bin"), { recursive: true });
  fs.cpSync(path.join(REPO, "scripts", "systemd"), path.join(dir, "systemd"), { recursive: true });
  fs.cpSync(path.join(REPO, "samples"), path.join(dir, "samples"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "README.md"), path.join(dir, "README.md"));
  for (const p of PACKAGES) {
    const src = path.join(REPO, "packages", p);
    const to = path.join(dir, "node_modules", "@omero-fs", p);
    copyDist(path.join(src, "dist"), path.join(to, "dist"));
    const pkg = readJson(path.join(src, "package.json"));
    // Their outside dependencies are the tarball's own (installed beside them); the workspace
    // ones are bundled siblings.
    delete pkg.dependencies;
    delete pkg.devDependencies;
    delete pkg.scripts;
    fs.writeFileSync(path.join(to, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  }
  const pkg = {
    name: "omero-fs",
    version: cli.version,
    description: root.description,
    bin: { "omero-fs": "bin/omero-fs.js" },
    main: "dist/index.js",
    engines: root.engines,
    files: ["bin", "dist", "systemd", "samples", "README.md"],
    // npm bundles only what is also a dependency; bundled, they are never fetched.
    dependencies: {
      ...outsideDependencies(),
      ...Object.fromEntries(PACKAGES.map((p) => [`@omero-fs/${p}`, cli.version])),
    },
    bundleDependencies: PACKAGES.map((p) => `@omero-fs/${p}`),
  };
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  return pkg;
}

function main() {
  const out = path.resolve(arg("out", REPO));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "omero-fs-pack-"));
  try {
    const dir = path.join(work, "omero-fs");
    const pkg = stage(dir);
    fs.mkdirSync(out, { recursive: true });
    const json = execFileSync("npm", ["pack", "--json", "--pack-destination", out], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [info] = JSON.parse(json);
    const file = path.join(out, info.filename);
    process.stdout.write(
      `${file}\n${pkg.name} ${pkg.version}: ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KiB packed, ${(info.unpackedSize / 1024 / 1024).toFixed(1)} MiB unpacked\n`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
