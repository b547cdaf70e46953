/**
 * The embedded importer (`omero.fs.importer=local`): copies a fileset into the ManagedRepository
 * (see layout.ts and README.md), hashing while copying, then verifies, fsyncs and renames a hidden
 * `.partial` leaf into place, so a crash never leaves a half import that looks complete.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger } from "@omero-fs/config";
import type { ImageJson } from "@omero-fs/protocol";
import { readTiffImages, TiffError } from "@omero-fs/readers";
import {
  CHECKSUMS_FILE,
  commonDir,
  isPartialOf,
  isTiffEntry,
  leafName,
  leafParts,
  MANAGED_REPOSITORY,
  MANIFEST_FILE,
  parseSha1sum,
  partialName,
  safeUserDir,
  sha1sumLine,
} from "./layout";
import { failed, succeeded } from "./outcome";
import type { Importer, ImportOutcome, ImportRequest, RecoverResult, RunOptions } from "./types";

/** Copy buffer: large enough for disk throughput, small enough that a big file is never held. */
const CHUNK = 1 << 20;
const FILE_MODE = 0o640;
const DIR_MODE = 0o750;

/** What `.omero-fs-import.json` holds. */
export interface LocalManifest {
  version: 1;
  filesetId: number;
  user: string;
  watch: number;
  reader: string | null;
  /** Absolute source path of the entry file. */
  entry: string;
  /** Entry path relative to the leaf. */
  entryPath: string;
  importedAt: string;
  files: Array<{ source: string; path: string; size: number; mtimeMs: number; sha1: string }>;
  images: ImageJson[] | null;
}

export interface LocalImporterOptions {
  dataDir: string;
  log: Logger;
  /** Clock for the leaf name (tests pin it to force same-millisecond collisions). */
  now?: () => Date;
}

class ImportFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export class LocalImporter implements Importer {
  readonly kind = "local" as const;
  private readonly repo: string;
  private readonly log: Logger;
  private readonly now: () => Date;
  private claims: Promise<unknown> = Promise.resolve();

  constructor(o: LocalImporterOptions) {
    this.repo = path.join(o.dataDir, MANAGED_REPOSITORY);
    this.log = o.log;
    this.now = o.now ?? (() => new Date());
  }

  async run(req: ImportRequest, opts: RunOptions): Promise<ImportOutcome> {
    const tag = `[fileset ${req.filesetId}]`;
    const deadline = Date.now() + opts.timeoutMs;
    let partial: string | null = null;
    try {
      if (!safeUserDir(req.user))
        throw new ImportFailure(`user name ${JSON.stringify(req.user)} cannot be a folder`, false);
      const files = [...new Set([req.entry, ...req.files])];
      for (const f of files) if (!path.isAbsolute(f)) throw new ImportFailure(`not an absolute path: ${f}`, false);
      const sources = new Map<string, fs.Stats>();
      for (const f of files) sources.set(f, await statSource(f));
      const base = commonDir(files);
      for (const f of files) {
        const rel = path.relative(base, f);
        if (rel === CHECKSUMS_FILE || rel === MANIFEST_FILE)
          throw new ImportFailure(`a file of the fileset is named ${rel}, which the local importer reserves`, false);
      }

      const [month, day, time] = leafParts(this.now());
      const dayDir = path.join(this.repo, req.user, month, day);
      await mkdirs(dayDir);
      // Claims are serialised in-process so parallel imports in one millisecond get -1, -2, ...
      // in order; the mkdir claim itself stays atomic across processes.
      const claim = this.claims.then(() => claimLeaf(dayDir, time, req.filesetId));
      this.claims = claim.catch(() => undefined);
      const claimed = await claim;
      partial = claimed.partial;
      const leaf = claimed.leaf;
      this.log.info(`${tag} local import of ${files.length} file(s) for ${req.user} into ${path.join(dayDir, leaf)}`);

      const check = () => {
        if (opts.signal.aborted) throw new ImportFailure("import aborted (DropBox stopping)", true);
        if (Date.now() > deadline)
          throw new ImportFailure(`timed out after ${Math.round(opts.timeoutMs / 1000)} s`, true);
      };
      const dirs = new Set<string>([partial]);
      const entries: LocalManifest["files"] = [];
      for (const src of files) {
        const rel = path.relative(base, src);
        const dest = path.join(partial, rel);
        await mkdirsUnder(partial, path.dirname(dest), dirs);
        const st = sources.get(src)!;
        const sha1 = await copyHashing(src, dest, st, check);
        entries.push({ source: src, path: rel, size: st.size, mtimeMs: st.mtimeMs, sha1 });
      }

      const entryRel = path.relative(base, req.entry);
      const images = isTiffEntry(req.entry, req.reader)
        ? await this.readImages(path.join(partial, entryRel), path.basename(req.entry), tag)
        : null;

      const manifest: LocalManifest = {
        version: 1,
        filesetId: req.filesetId,
        user: req.user,
        watch: req.watch.index,
        reader: req.reader,
        entry: req.entry,
        entryPath: entryRel,
        importedAt: this.now().toISOString(),
        files: entries,
        images,
      };
      await writeSynced(path.join(partial, CHECKSUMS_FILE), entries.map((e) => sha1sumLine(e.sha1, e.path)).join(""));
      await writeSynced(path.join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

      check();
      const bad = await verifyLeaf(partial, req.filesetId);
      if (!bad.ok) throw new ImportFailure(`verification failed after copy: ${bad.reason}`, true);

      // Directories deepest first, so every entry is durable before the rename publishes the leaf.
      for (const d of [...dirs].sort((a, b) => b.length - a.length)) await fsyncDir(d);
      const final = path.join(dayDir, leaf);
      await fs.promises.rename(partial, final);
      partial = null;
      for (let d = dayDir; d.startsWith(this.repo); d = path.dirname(d)) await fsyncDir(d);
      this.log.info(`${tag} imported ${entries.length} file(s) into ${final}`);
      return succeeded(final, images);
    } catch (e) {
      if (partial) await fs.promises.rm(partial, { recursive: true, force: true }).catch(() => undefined);
      const outcome =
        e instanceof ImportFailure
          ? failed(e.message, e.retryable)
          : failed(`local import failed: ${(e as Error).message}`, true);
      this.log.warn(`${tag} local import failed: ${outcome.error}`);
      return outcome;
    }
  }

  async recover(req: ImportRequest, lastTarget: string | null): Promise<RecoverResult> {
    const tag = `[fileset ${req.filesetId}]`;
    if (!safeUserDir(req.user)) return { state: "redo" };
    const userDir = path.join(this.repo, req.user);
    const candidates = new Set<string>();
    if (lastTarget) candidates.add(lastTarget);
    for (const leaf of await leavesOf(userDir)) {
      const name = path.basename(leaf);
      if (isPartialOf(name, req.filesetId)) {
        this.log.warn(`${tag} removing unfinished import ${leaf}`);
        await fs.promises.rm(leaf, { recursive: true, force: true });
      } else if (!name.startsWith(".")) {
        const m = await readManifest(leaf);
        if (m?.filesetId === req.filesetId) candidates.add(leaf);
      }
    }
    for (const leaf of candidates) {
      const v = await verifyLeaf(leaf, req.filesetId);
      if (v.ok) {
        this.log.info(`${tag} recovered: import in ${leaf} is complete and verified`);
        return { state: "done", outcome: succeeded(leaf, v.manifest.images) };
      }
      if (v.reason !== "missing") {
        this.log.warn(`${tag} import in ${leaf} does not verify (${v.reason}); removing it and importing again`);
        await fs.promises.rm(leaf, { recursive: true, force: true });
      }
    }
    return { state: "redo" };
  }

  async discard(req: ImportRequest, outcome: ImportOutcome): Promise<void> {
    const leaf = outcome.target;
    // Only a leaf of this fileset under this repository (its manifest says so).
    if (!leaf || path.dirname(path.dirname(path.dirname(path.dirname(leaf)))) !== this.repo) return;
    if ((await readManifest(leaf))?.filesetId !== req.filesetId) return;
    await fs.promises.rm(leaf, { recursive: true, force: true });
    this.log.info(`[fileset ${req.filesetId}] removed ${leaf}: that import does not count`);
  }

  private async readImages(file: string, name: string, tag: string): Promise<ImageJson[] | null> {
    const fh = await fs.promises.open(file, "r");
    try {
      const { size } = await fh.stat();
      const read = async (offset: number, length: number): Promise<Buffer> => {
        const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        if (buf.length === 0) return buf;
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        return buf.subarray(0, bytesRead);
      };
      const images = await readTiffImages(read, size, { name });
      return images.map((i) => ({ ...i }));
    } catch (e) {
      // A truncated TIFF is unfinished data, not an unknown layout: the import fails (retryable).
      if (e instanceof TiffError && e.code === "TIFF_TRUNCATED")
        throw new ImportFailure(`${name} is truncated: ${e.message}`, true);
      this.log.info(`${tag} could not read image dimensions of ${name}: ${(e as Error).message}`);
      return null;
    } finally {
      await fh.close();
    }
  }
}

async function statSource(f: string): Promise<fs.Stats> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(f);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new ImportFailure(`source file vanished: ${f}`, false);
    if (code === "EACCES") throw new ImportFailure(`source file not readable: ${f}`, false);
    throw e;
  }
  if (!st.isFile()) throw new ImportFailure(`not a regular file: ${f}`, false);
  return st;
}

async function mkdirs(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: DIR_MODE });
}

async function mkdirsUnder(root: string, dir: string, created: Set<string>): Promise<void> {
  const chain: string[] = [];
  for (let d = dir; d !== root && d.startsWith(root); d = path.dirname(d)) chain.unshift(d);
  for (const d of chain) {
    if (created.has(d)) continue;
    await fs.promises.mkdir(d, { mode: DIR_MODE }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
    created.add(d);
  }
}

/** Claim a unique leaf: mkdir of the hidden partial is the atomic claim; the final name must be free. */
async function claimLeaf(dayDir: string, time: string, filesetId: number): Promise<{ leaf: string; partial: string }> {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const leaf = leafName(time, attempt);
    const partial = path.join(dayDir, partialName(leaf, filesetId));
    try {
      await fs.promises.mkdir(partial, { mode: DIR_MODE });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw e;
    }
    // One listing decides both "the leaf is taken" and "another fileset holds it as its partial":
    // checked separately, a rename of that partial between the two checks would slip through.
    const siblings = await fs.promises.readdir(dayDir);
    const taken = (n: string) =>
      n === leaf || (n !== path.basename(partial) && n.startsWith(`.${leaf}.`) && n.endsWith(".partial"));
    if (siblings.some(taken)) {
      await fs.promises.rmdir(partial);
      continue;
    }
    return { leaf, partial };
  }
  throw new Error(`no free leaf name under ${dayDir}`);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.promises.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Copy src to a new dest, SHA-1 on the way; fails if the source changes while it is copied. */
async function copyHashing(src: string, dest: string, before: fs.Stats, check: () => void): Promise<string> {
  const hash = createHash("sha1");
  let input: fs.promises.FileHandle;
  try {
    input = await fs.promises.open(src, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new ImportFailure(`source file vanished: ${src}`, false);
    throw e;
  }
  try {
    const output = await fs.promises.open(dest, "wx", FILE_MODE);
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      let pos = 0;
      for (;;) {
        check();
        const { bytesRead } = await input.read(buf, 0, CHUNK, pos);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        hash.update(chunk);
        let written = 0;
        while (written < bytesRead) {
          const r = await output.write(chunk, written, bytesRead - written, pos + written);
          written += r.bytesWritten;
        }
        pos += bytesRead;
      }
      await output.sync();
      const after = await input.stat();
      if (pos !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs)
        throw new ImportFailure(`source file changed while it was copied: ${src}`, true);
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
  return hash.digest("hex");
}

async function writeSynced(file: string, text: string): Promise<void> {
  const fh = await fs.promises.open(file, "wx", FILE_MODE);
  try {
    await fh.writeFile(text, "utf8");
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function sha1Of(file: string): Promise<string> {
  const hash = createHash("sha1");
  const fh = await fs.promises.open(file, "r");
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return hash.digest("hex");
}

async function readManifest(leaf: string): Promise<LocalManifest | null> {
  try {
    const m = JSON.parse(await fs.promises.readFile(path.join(leaf, MANIFEST_FILE), "utf8")) as LocalManifest;
    return m && typeof m.filesetId === "number" && Array.isArray(m.files) ? m : null;
  } catch {
    return null;
  }
}

/** Re-read a leaf: manifest for this fileset, checksums file agreeing with it, every file's size and SHA-1. */
export async function verifyLeaf(
  leaf: string,
  filesetId: number,
): Promise<{ ok: true; manifest: LocalManifest } | { ok: false; reason: string }> {
  if (!(await exists(leaf))) return { ok: false, reason: "missing" };
  const m = await readManifest(leaf);
  if (!m) return { ok: false, reason: `no readable ${MANIFEST_FILE}` };
  if (m.filesetId !== filesetId) return { ok: false, reason: `manifest is for fileset ${m.filesetId}` };
  let sums: Array<[string, string]>;
  try {
    sums = parseSha1sum(await fs.promises.readFile(path.join(leaf, CHECKSUMS_FILE), "utf8"));
  } catch (e) {
    return { ok: false, reason: `${CHECKSUMS_FILE}: ${(e as Error).message}` };
  }
  const expected = new Map(m.files.map((f) => [f.path, f] as const));
  if (sums.length !== expected.size) return { ok: false, reason: `${CHECKSUMS_FILE} does not match the manifest` };
  for (const [sha1, rel] of sums) {
    const f = expected.get(rel);
    if (!f || f.sha1 !== sha1) return { ok: false, reason: `${CHECKSUMS_FILE} does not match the manifest for ${rel}` };
    const file = path.join(leaf, rel);
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(file);
    } catch {
      return { ok: false, reason: `missing ${rel}` };
    }
    if (st.size !== f.size) return { ok: false, reason: `${rel}: size ${st.size}, expected ${f.size}` };
    if ((await sha1Of(file)) !== sha1) return { ok: false, reason: `${rel}: SHA-1 mismatch` };
  }
  return { ok: true, manifest: m };
}

/** Every leaf (and partial) under <user>/<YYYY-MM>/<DD>/. */
async function leavesOf(userDir: string): Promise<string[]> {
  const out: string[] = [];
  const dirs = async (d: string) => {
    try {
      return (await fs.promises.readdir(d, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return [];
    }
  };
  for (const month of await dirs(userDir))
    for (const day of await dirs(path.join(userDir, month)))
      for (const leaf of await dirs(path.join(userDir, month, day))) out.push(path.join(userDir, month, day, leaf));
  return out;
}
