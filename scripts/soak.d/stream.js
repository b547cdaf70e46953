// The stream of drops: layouts of every kind, dropped by several users with different copy tools at
// random moments, some deleted and dropped again (corrected), renamed (file or folder) or removed
// later. Every layout version is staged outside the DropBox first (its source), then copied in.
const fs = require("node:fs");
const path = require("node:path");
const { generate, KINDS, TOO_DEEP } = require("./layouts");
const { copyWith, sleep, TOOLS } = require("./tools");

const USERS = ["amy", "bob", "zak", "eve"];
const SINGLE = new Set(["tiff", "bigtiff", "deep", "empty", "toodeep"]);

/** Post-drop operations and their odds (once the copy has finished). */
const POST = { "delete-redrop": 0.06, delete: 0.03, "rename-file": 0.05, "rename-folder": 0.05 };

class Stream {
  constructor(opts) {
    this.rng = opts.rng;
    this.staging = opts.staging;
    this.dropbox = opts.dropbox;
    this.settleMs = opts.settleMs;
    this.waitMs = opts.waitMs;
    this.log = opts.log;
    this.procs = new Set();
    /** sha1 -> {layout, version, rel, kind, hold} of every version's whole content. */
    this.known = new Map();
    this.layouts = [];
    this.counts = { files: 0, versions: 0, tools: {}, post: {}, kinds: {} };
    this.notes = [];
    this.stopped = false;
  }

  /** Draw layouts until `files` files; each starts at a random moment within `windowMs`. */
  plan(files, windowMs) {
    const rng = this.rng.fork("plan");
    const weights = Object.fromEntries(Object.entries(KINDS).map(([k, v]) => [k, v.weight]));
    let n = 0;
    let id = 0;
    const add = (kind) => {
      id += 1;
      const user = rng.pick(USERS);
      const top = rng.chance(0.1) ? "" : `proj${rng.int(1, 3)}/`;
      let dir = `${user}/${top}L${id}-${kind}`;
      if (kind === "deep") dir += `/${"d/".repeat(rng.int(20, 80))}x`;
      if (kind === "toodeep") dir += `/${"d/".repeat(TOO_DEEP)}x`;
      const lrng = rng.fork(`L${id}`);
      const checked = Boolean(KINDS[kind].checked);
      const tools = Object.fromEntries(
        Object.entries(TOOLS)
          .filter(([, t]) => (!t.checked || checked) && (!t.single || SINGLE.has(kind)))
          .map(([k, t]) => [k, t.weight]),
      );
      const layout = {
        id,
        kind,
        user,
        name: `L${id}`,
        dir,
        tool: lrng.weighted(tools),
        startMs: rng.float(0, windowMs),
        rng: lrng,
        post: null,
        versions: [],
      };
      const r = lrng.float();
      let acc = 0;
      for (const [op, p] of Object.entries(POST)) {
        acc += p;
        if (r < acc && (op !== "rename-file" || SINGLE.has(kind))) {
          layout.post = op;
          break;
        }
      }
      this.layouts.push(layout);
      return layout;
    };
    this.version(add("toodeep"));
    while (n < files) {
      const l = add(rng.weighted(weights));
      n += this.version(l).files.length;
    }
    this.layouts.sort((a, b) => a.startMs - b.startMs);
    return this.layouts;
  }

  /** The next version of a layout (generated, staged, its SHA-1s known). */
  version(layout) {
    const v = layout.versions.length + 1;
    const token = `${layout.name}v${v}`;
    const g = generate(layout.kind, layout.rng.fork(token), layout.name, token);
    const staged = path.join(this.staging, token);
    for (const f of g.files) {
      const p = path.join(staged, f.rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, f.content);
      if (f.content.length > 0) {
        if (this.known.has(f.sha1)) throw new Error(`soak: ${token}/${f.rel} has the bytes of another file`);
        this.known.set(f.sha1, { layout: layout.id, version: v, rel: f.rel, kind: layout.kind });
      }
    }
    const version = { v, token, staged, files: g.files.map(({ rel, sha1 }) => ({ rel, sha1 })), groups: g.groups };
    layout.versions.push(version);
    this.counts.versions += 1;
    this.counts.files += g.files.length;
    return version;
  }

  /** Run every drop at its moment (at most `concurrency` at once) and its post operation. */
  async run(concurrency) {
    const t0 = Date.now();
    let running = 0;
    const waiters = [];
    const slot = async () => {
      while (running >= concurrency) await new Promise((r) => waiters.push(r));
      running += 1;
    };
    const free = () => {
      running -= 1;
      waiters.shift()?.();
    };
    const all = [];
    for (const layout of this.layouts) {
      const wait = t0 + layout.startMs - Date.now();
      if (wait > 0) await sleep(wait);
      if (this.stopped) break;
      await slot();
      all.push(
        this.drop(layout)
          .catch((e) => this.notes.push(`${layout.name} (${layout.kind}): ${e.message}`))
          .finally(free),
      );
    }
    await Promise.all(all);
  }

  count(table, key) {
    table[key] = (table[key] ?? 0) + 1;
  }

  async copy(layout, version, tool) {
    this.count(this.counts.tools, tool);
    const r = await copyWith(tool, version.staged, path.join(this.dropbox, layout.dir), {
      rng: layout.rng.fork(`${version.token}-${tool}`),
      procs: this.procs,
      settleMs: this.settleMs,
    });
    if (!r.ok) this.notes.push(`${version.token} (${layout.kind}, ${tool}): ${r.note}`);
  }

  async drop(layout) {
    this.count(this.counts.kinds, layout.kind);
    const rng = layout.rng;
    await this.copy(layout, layout.versions[0], layout.tool);
    if (!layout.post || TOOLS[layout.tool].hold) return;
    // Before or after its import, whichever comes.
    await sleep(rng.int(0, 3 * this.waitMs));
    const dest = path.join(this.dropbox, layout.dir);
    const top = path.join(
      this.dropbox,
      layout.dir
        .split("/")
        .slice(0, layout.dir.startsWith(`${layout.user}/proj`) ? 3 : 2)
        .join("/"),
    );
    this.count(this.counts.post, layout.post);
    switch (layout.post) {
      case "delete":
        fs.rmSync(top, { recursive: true, force: true });
        this.log(`deleted ${layout.name}`);
        break;
      case "delete-redrop": {
        fs.rmSync(top, { recursive: true, force: true });
        await sleep(rng.int(200, 4000));
        const v = this.version(layout);
        const tool = rng.pick(["cp", "rsync", "rsync-inplace", "cp-a"]);
        await this.copy(layout, v, tool);
        this.log(`dropped ${v.token} again (corrected) with ${tool}`);
        break;
      }
      case "rename-file": {
        const rel = layout.versions[0].files[0].rel;
        fs.renameSync(path.join(dest, rel), path.join(dest, `renamed-${rel}`));
        break;
      }
      case "rename-folder":
        fs.renameSync(top, `${top}-moved`);
        break;
    }
  }

  /** Stop launching drops; kill the copy tools still running. */
  stop() {
    this.stopped = true;
    for (const p of this.procs) p.kill("SIGKILL");
  }
}

module.exports = { Stream, USERS };
