// The verdict: every file on disk at the end is imported exactly once and whole (its SHA-1 is one the
// soak wrote whole, found in exactly one import of the test OMERO, for its owner) or held with a reason
// (`files list`); nothing imported twice, nothing imported that was never whole on disk.
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { KINDS } = require("./layouts");

const EMPTY_SHA1 = crypto.createHash("sha1").digest("hex");

function sha1File(file) {
  return crypto.createHash("sha1").update(fs.readFileSync(file)).digest("hex");
}

/** Every file under `root` (iterative: the too-deep tree is hundreds of levels), names starting with "." apart. */
function walkDisk(root) {
  const files = [];
  const dotFiles = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.startsWith(".")) dotFiles.push(p);
      else if (e.isFile()) {
        const size = fs.statSync(p).size;
        files.push({ path: p, size, sha1: size === 0 ? EMPTY_SHA1 : sha1File(p) });
      }
    }
  }
  return { files, dotFiles };
}

/** The local importer's imports: one manifest per ManagedRepository leaf (hidden .partial leaves are not imports). */
function localRecords(repo) {
  const out = [];
  const stack = [repo];
  while (stack.length > 0) {
    const dir = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith(".")) stack.push(path.join(dir, e.name));
      else if (e.name === ".omero-fs-import.json") {
        const m = JSON.parse(fs.readFileSync(path.join(dir, e.name), "utf8"));
        out.push({ fileset: m.filesetId, user: m.user, target: dir, files: m.files });
      }
    }
  }
  return out;
}

/** The exec importer's imports (omero-sim.js). */
function simRecords(store) {
  try {
    return fs
      .readFileSync(path.join(store, "imports.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

/** A reason with paths, names and numbers taken out: the kind of hold. */
function category(reason) {
  return reason
    .replace(/\/[^\s:;,()'"]+/g, "<path>")
    .replace(/[^\s:;,()'"/]+\.(ome\.tiff?|tiff?|dv|log|ics|ids|txt|htd|xml|ome)\b/gi, "<file>")
    .replace(/\d+(\.\d+)?/g, "N")
    .slice(0, 100);
}

/**
 * Judge the end state. `known`: sha1 -> {layout, kind, version, rel} of every version written whole;
 * `layouts`: the stream's layouts; `disk`: walkDisk(); `records`: imports in the test OMERO;
 * `ledgerFiles` / `imports`: `files list --json`, `imports list --json`; `dropbox`: its root.
 */
function judge({ known, layouts, disk, records, ledgerFiles, imports, dropbox }) {
  const bySha = new Map();
  const half = [];
  for (const r of records)
    for (const f of r.files) {
      if (!bySha.has(f.sha1)) bySha.set(f.sha1, []);
      bySha.get(f.sha1).push(r);
      if (f.sha1 === EMPTY_SHA1 || !known.has(f.sha1))
        half.push({
          path: f.source,
          why: f.size === 0 ? "an empty file was imported" : "imported bytes never written whole",
          fileset: r.fileset,
        });
    }
  const doubled = [];
  for (const [sha, recs] of bySha)
    if (recs.length > 1 && sha !== EMPTY_SHA1)
      doubled.push({
        sha1: sha,
        ...known.get(sha),
        filesets: recs.map((r) => r.fileset),
        paths: recs.map((r) => r.files.find((f) => f.sha1 === sha).source),
      });

  // `files list` gives the live row of a path first, then the ended histories of that path.
  const ledger = new Map();
  for (const f of ledgerFiles) if (!ledger.has(f.path)) ledger.set(f.path, f);
  const importById = new Map(imports.map((i) => [i.id, i]));
  const result = { imported: 0, held: {}, heldExpected: 0, heldUnexpected: [], lost: [], noReason: [], wrongUser: [] };
  for (const f of disk.files) {
    const info = f.size === 0 ? null : known.get(f.sha1);
    const expectHold = !info || Boolean(KINDS[info.kind].hold);
    const owner = path.relative(dropbox, f.path).split(path.sep)[0];
    const recs = bySha.get(f.sha1) ?? [];
    if (recs.length > 1 && f.sha1 !== EMPTY_SHA1) continue; // counted in doubled
    if (recs.length === 1) {
      if (expectHold)
        half.push({
          path: f.path,
          why: info ? `imported, should be held (${info.kind})` : "imported a file that is not whole",
          fileset: recs[0].fileset,
        });
      else if (recs[0].user !== owner) result.wrongUser.push({ path: f.path, user: recs[0].user, owner });
      else result.imported += 1;
      continue;
    }
    let row = ledger.get(f.path);
    if (!row) {
      // A folder refused as a whole (too deep) holds what is inside it.
      for (let d = path.dirname(f.path); d.startsWith(dropbox) && !row; d = path.dirname(d)) {
        const r = ledger.get(d);
        if (r && r.state === "refused") row = r;
      }
    }
    if (!row) {
      result.lost.push({ path: f.path, why: "not in the ledger", kind: info?.kind ?? "cut" });
      continue;
    }
    const imp = row.fileset != null ? importById.get(row.fileset) : null;
    const reason = row.reason ?? imp?.waitingFor ?? imp?.error ?? null;
    if (!reason) {
      if (row.state === "imported")
        result.lost.push({
          path: f.path,
          why: `ledger: imported in fileset ${row.fileset}, but the test OMERO has not these bytes`,
          kind: info?.kind ?? "cut",
        });
      else
        result.noReason.push({ path: f.path, state: row.state, fileset: row.fileset, importState: imp?.state ?? null });
      continue;
    }
    const state = imp && row.state === "grouped" ? `${row.state}/${imp.state}` : row.state;
    const key = `${state}: ${category(reason)}`;
    result.held[key] = (result.held[key] ?? 0) + 1;
    if (expectHold) result.heldExpected += 1;
    else result.heldUnexpected.push({ path: f.path, kind: info.kind, state, reason });
  }

  // Filesets as dropped (layout groups) imported across several imports, or several in one import.
  const where = new Map();
  for (const l of layouts)
    for (const v of l.versions)
      v.groups.forEach((g, i) => {
        for (const rel of g) where.set(`${v.token}/${rel}`, `${v.token}#${i}`);
      });
  const groupsOfRecord = [];
  const recordsOfGroup = new Map();
  for (const r of records) {
    const gs = new Set();
    for (const f of r.files) {
      const info = known.get(f.sha1);
      if (!info) continue;
      const g = where.get(`L${info.layout}v${info.version}/${info.rel}`);
      if (!g) continue;
      gs.add(g);
      if (!recordsOfGroup.has(g)) recordsOfGroup.set(g, new Set());
      recordsOfGroup.get(g).add(r);
    }
    groupsOfRecord.push(gs.size);
  }
  result.split = [...recordsOfGroup].filter(([, rs]) => rs.size > 1).map(([g]) => g);
  // A fileset as dropped with some members imported and others on disk, whole, not imported: the
  // OMERO fileset lacks them (imported half), whatever reason the rest is held for.
  const onDisk = new Map();
  for (const f of disk.files) {
    const info = f.size === 0 ? null : known.get(f.sha1);
    if (!info) continue;
    const g = where.get(`L${info.layout}v${info.version}/${info.rel}`);
    if (g) onDisk.set(g, [...(onDisk.get(g) ?? []), f]);
  }
  result.partial = [];
  for (const [g, rs] of recordsOfGroup) {
    const missing = (onDisk.get(g) ?? []).filter((f) => !bySha.has(f.sha1));
    if (missing.length > 0)
      result.partial.push({
        fileset: g,
        imported: [...rs].map((r) => r.fileset),
        notImported: missing.map((f) => f.path),
      });
  }
  result.merged = groupsOfRecord.filter((n) => n > 1).length;
  result.half = half;
  result.doubled = doubled;
  result.dotFiles = disk.dotFiles.length;
  result.onDisk = disk.files.length;
  result.records = records.length;
  return result;
}

module.exports = { walkDisk, localRecords, simRecords, judge, category };
