// The omero-fs under test: a temporary home with the soak's configuration, the real node started with
// `admin start` (so killed servers are restarted by the node's own policy), the CLI run as a process.
const { execFile } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { ROOT } = require("./ts-require");

const CLI_BIN = path.join(ROOT, "packages", "cli", "bin", "omero-fs.js");

/**
 * Time scale of the run: OMERO's waits shrunk so a fileset's whole life fits in seconds. settleTime
 * stays at its default: slow writers pause longer than it.
 */
function soakConfig(opts) {
  const config = {
    "omero.fs.dirImportWait": "4",
    "omero.fs.throttleImport": "0",
    "omero.fs.companionWait": "30",
    "omero.fs.incompleteWait": String(opts.incompleteWait),
    "omero.fs.importConcurrency": "3",
    "omero.fs.importRetries": "5",
    "omero.fs.importer": opts.importer,
  };
  if (opts.importer === "exec") {
    config["omero.fs.execCommand"] =
      `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(__dirname, "omero-sim.js"))} ${JSON.stringify(opts.store)} {user} {fileset} {files}`;
  }
  return config;
}

class Home {
  constructor(base, opts) {
    this.base = base;
    this.dir = path.join(base, "home");
    this.dropbox = path.join(this.dir, "data", "DropBox");
    this.flag = path.join(base, "ledger-full");
    this.store = opts.store;
    fs.mkdirSync(path.join(this.dir, "etc"), { recursive: true });
    fs.mkdirSync(this.dropbox, { recursive: true });
    fs.writeFileSync(path.join(this.dir, "etc", "config.json"), JSON.stringify(soakConfig(opts), null, 2));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_")));
    this.env = {
      ...clean,
      OMERO_FS_HTTP_ADDRESS: "127.0.0.1:0",
      // Restarts in well under a second; only a server that dies within 1 s of its start counts as
      // a quick failure (the soak kills servers every few seconds on purpose).
      OMERO_FS_TEST_NODE_BACKOFF_MS: "200",
      OMERO_FS_TEST_NODE_BACKOFF_MAX_MS: "2000",
      OMERO_FS_TEST_NODE_QUICK_FAILURE_MS: "1000",
      OMERO_FS_TEST_RETRY_BASE_MS: "1000",
      OMERO_FS_TEST_LEDGER_PROBE_MS: "500",
      OMERO_FS_TEST_LEDGER_FULL_WHILE: JSON.stringify(this.flag),
      SOAK_SIM_MS: String(opts.importMs ?? 600),
    };
  }

  /** `omero-fs --home <home> ...args`: {code, stdout, stderr}. */
  cli(args, timeoutMs = 120_000) {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI_BIN, "--home", this.dir, ...args],
        { env: this.env, timeout: timeoutMs, maxBuffer: 512 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
    });
  }

  async json(args) {
    const r = await this.cli([...args, "--json"]);
    if (r.code !== 0) throw new Error(`omero-fs ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout);
  }

  pid(name) {
    try {
      const pid = Number(fs.readFileSync(path.join(this.dir, "var", "run", `${name}.pid`), "utf8").trim());
      return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  async start() {
    const r = await this.cli(["admin", "start"], 180_000);
    if (r.code !== 0) throw new Error(`admin start exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  }

  async stop() {
    return this.cli(["admin", "stop"], 60_000);
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

module.exports = { Home, alive, CLI_BIN };
