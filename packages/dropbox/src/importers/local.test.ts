import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import type { WatchConfig } from "@omero-fs/config";
import * as winston from "winston";
import { CHECKSUMS_FILE, MANIFEST_FILE } from "./layout";
import { type LocalManifest, LocalImporter } from "./local";
import type { ImportRequest } from "./types";

/** A little-endian uint16 TIFF, 2 wide and 3 high, one IFD, one strip. */
function tinyTiff(): Buffer {
  const entries: Array<[number, number, number, number]> = [
    // tag, type (3 SHORT, 4 LONG), count, value
    [256, 3, 1, 2],
    [257, 3, 1, 3],
    [258, 3, 1, 16],
    [259, 3, 1, 1],
    [262, 3, 1, 1],
    [273, 4, 1, 0], // StripOffsets, patched below
    [277, 3, 1, 1],
    [278, 3, 1, 3],
    [279, 4, 1, 12],
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataAt = 8 + ifdSize;
  const b = Buffer.alloc(dataAt + 12);
  b.write("II", 0, "latin1");
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], k) => {
    const at = 10 + k * 12;
    b.writeUInt16LE(tag, at);
    b.writeUInt16LE(type, at + 2);
    b.writeUInt32LE(count, at + 4);
    const v = tag === 273 ? dataAt : value;
    if (type === 3) b.writeUInt16LE(v, at + 8);
    else b.writeUInt32LE(v, at + 8);
  });
  b.writeUInt32LE(0, 10 + entries.length * 12);
  for (let p = 0; p < 6; p++) b.writeUInt16LE(1000 + p, dataAt + p * 2);
  return b;
}

function memoryLog(): { log: winston.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk).trimEnd());
      cb();
    },
  });
  const log = winston.createLogger({
    level: "debug",
    format: winston.format.printf((i) => `${i.level} ${String(i.message)}`),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { log, lines };
}

const watch: WatchConfig = {
  index: 0,
  user: "default",
  watchDir: "/unused",
  eventTypes: ["Creation", "Modification"],
  pathMode: "Follow",
  whitelist: [],
  blacklist: [],
  timeout: 0,
  blockSize: 0,
  ignoreSysFiles: true,
  ignoreDirEvents: true,
  dirImportWait: 60,
  fileBatch: 10,
  throttleImport: 10,
  readers: "",
  importArgs: "",
};

const sha1 = (b: Buffer | string) => createHash("sha1").update(b).digest("hex");
const AT = new Date("2026-11-25T13:04:05.006Z");
const opts = () => ({ signal: new AbortController().signal, timeoutMs: 60_000 });

describe("LocalImporter", () => {
  let tmp: string;
  let src: string;
  let data: string;
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "omero-fs-local-")));
    src = path.join(tmp, "DropBox", "amy", "run 1");
    data = path.join(tmp, "data");
    fs.mkdirSync(path.join(src, "sub"), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function req(files: string[], entry = files[0]!, id = 7): ImportRequest {
    return { filesetId: id, user: "amy", watch, entry, files, reader: null };
  }

  it("copies with relative paths, checksums, manifest, 0640 files, and reads TIFF dimensions", async () => {
    const tiff = tinyTiff();
    const a = path.join(src, "a.tif");
    const b = path.join(src, "sub", "b\nc $(x) 'q'.txt");
    fs.writeFileSync(a, tiff);
    fs.writeFileSync(b, "companion");
    const { log, lines } = memoryLog();
    const imp = new LocalImporter({ dataDir: data, log, now: () => AT });
    const out = await imp.run(req([a, b]), opts());

    const leaf = path.join(data, "ManagedRepository", "amy", "2026-11", "25", "13-04-05.006");
    expect(out).toEqual({
      ok: true,
      retryable: false,
      target: leaf,
      error: null,
      images: [{ name: "a.tif", sizeX: 2, sizeY: 3, sizeZ: 1, sizeC: 1, sizeT: 1, pixelType: "uint16" }],
    });
    expect(fs.readFileSync(path.join(leaf, "a.tif"))).toEqual(tiff);
    expect(fs.readFileSync(path.join(leaf, "sub", "b\nc $(x) 'q'.txt"), "utf8")).toBe("companion");
    expect(fs.statSync(path.join(leaf, "a.tif")).mode & 0o777).toBe(0o640 & ~process.umask());
    expect(fs.statSync(leaf).mode & 0o777).toBe(0o750 & ~process.umask());
    expect(fs.readFileSync(path.join(leaf, CHECKSUMS_FILE), "utf8")).toBe(
      `${sha1(tiff)}  a.tif\n\\${sha1("companion")}  sub/b\\nc $(x) 'q'.txt\n`,
    );
    const m = JSON.parse(fs.readFileSync(path.join(leaf, MANIFEST_FILE), "utf8")) as LocalManifest;
    expect(m).toMatchObject({ version: 1, filesetId: 7, user: "amy", watch: 0, entry: a, entryPath: "a.tif" });
    expect(m.files.map((f) => [f.source, f.path, f.size, f.sha1])).toEqual([
      [a, "a.tif", tiff.length, sha1(tiff)],
      [b, "sub/b\nc $(x) 'q'.txt", 9, sha1("companion")],
    ]);
    expect(fs.readdirSync(path.dirname(leaf))).toEqual(["13-04-05.006"]);
    expect(lines.some((l) => l.includes("[fileset 7] imported 2 file(s)"))).toBe(true);
    // GNU sha1sum reads our checksum file back
    let hasSha1sum = true;
    try {
      execFileSync("sha1sum", ["--version"], { stdio: "ignore" });
    } catch {
      hasSha1sum = false;
    }
    if (hasSha1sum)
      expect(execFileSync("sha1sum", ["-c", "--quiet", CHECKSUMS_FILE], { cwd: leaf }).toString()).toBe("");
  });

  it("gives a second import in the same millisecond its own leaf; non-TIFF has images null", async () => {
    const x = path.join(src, "x.ics");
    fs.writeFileSync(x, "ics");
    const imp = new LocalImporter({ dataDir: data, log: memoryLog().log, now: () => AT });
    const one = await imp.run(req([x], x, 1), opts());
    const two = await imp.run(req([x], x, 2), opts());
    expect(one.target).toMatch(/\/13-04-05\.006$/);
    expect(two.target).toMatch(/\/13-04-05\.006-1$/);
    expect(two.images).toBeNull();
  });

  it("a truncated TIFF fails (retryably) instead of being recorded imported, and leaves nothing behind", async () => {
    const t = path.join(src, "cut.tif");
    const whole = tinyTiff();
    fs.writeFileSync(t, whole.subarray(0, 20)); // the IFD is cut
    const imp = new LocalImporter({ dataDir: data, log: memoryLog().log, now: () => AT });
    const out = await imp.run(req([t], t, 9), opts());
    expect(out.ok).toBe(false);
    expect(out.retryable).toBe(true);
    expect(out.error).toMatch(/^cut\.tif is truncated: TIFF structure .* lies beyond the file end/);
    const day = path.join(data, "ManagedRepository", "amy");
    const leaves = fs.existsSync(day) ? fs.readdirSync(day, { recursive: true }).map(String) : [];
    expect(leaves.filter((l) => l.endsWith("cut.tif"))).toEqual([]);
  });

  it("a source file that vanished fails permanently and leaves nothing behind", async () => {
    const gone = path.join(src, "gone.tif");
    const imp = new LocalImporter({ dataDir: data, log: memoryLog().log, now: () => AT });
    const out = await imp.run(req([gone]), opts());
    expect(out).toEqual({
      ok: false,
      retryable: false,
      target: null,
      images: null,
      error: `source file vanished: ${gone}`,
    });
    const day = path.join(data, "ManagedRepository", "amy");
    expect(fs.existsSync(day) ? fs.readdirSync(day) : []).toEqual([]);
  });

  it("an aborted run fails retryably and removes its partial leaf", async () => {
    const big = path.join(src, "big.tif");
    fs.writeFileSync(big, Buffer.alloc(3 << 20, 1));
    const ac = new AbortController();
    ac.abort();
    const imp = new LocalImporter({ dataDir: data, log: memoryLog().log, now: () => AT });
    const out = await imp.run(req([big]), { signal: ac.signal, timeoutMs: 60_000 });
    expect(out.ok).toBe(false);
    expect(out.retryable).toBe(true);
    expect(out.error).toBe("import aborted (DropBox stopping)");
    expect(fs.readdirSync(path.join(data, "ManagedRepository", "amy", "2026-11", "25"))).toEqual([]);
  });

  it("discard takes back a finished import that does not count: its own leaf only", async () => {
    const a = path.join(src, "a.tif");
    fs.writeFileSync(a, tinyTiff());
    const { log, lines } = memoryLog();
    const imp = new LocalImporter({ dataDir: data, log, now: () => AT });
    const mine = await imp.run(req([a], a, 7), opts());
    const other = await imp.run(req([a], a, 8), opts());
    // Not this fileset's leaf, or not a leaf of this repository: left alone.
    await imp.discard(req([a], a, 7), other);
    await imp.discard(req([a], a, 7), { ...mine, target: tmp });
    expect([fs.existsSync(mine.target!), fs.existsSync(other.target!), fs.existsSync(src)]).toEqual([true, true, true]);
    await imp.discard(req([a], a, 7), mine);
    expect([fs.existsSync(mine.target!), fs.existsSync(other.target!)]).toEqual([false, true]);
    expect(lines.some((l) => l.includes(`[fileset 7] removed ${mine.target}: that import does not count`))).toBe(true);
  });

  describe("recover", () => {
    it("done when the last target verifies, or a manifest for the fileset is found", async () => {
      const a = path.join(src, "a.tif");
      fs.writeFileSync(a, tinyTiff());
      const imp = new LocalImporter({ dataDir: data, log: memoryLog().log, now: () => AT });
      const first = await imp.run(req([a]), opts());
      const byTarget = await imp.recover(req([a]), first.target);
      expect(byTarget).toEqual({ state: "done", outcome: { ...first } });
      const byScan = await imp.recover(req([a]), null);
      expect(byScan).toEqual({ state: "done", outcome: { ...first } });
      expect(await imp.recover(req([a], a, 8), null)).toEqual({ state: "redo" });
    });

    it("redo after a truncated copy, removing the broken leaf", async () => {
      const a = path.join(src, "a.tif");
      fs.writeFileSync(a, tinyTiff());
      const { log, lines } = memoryLog();
      const imp = new LocalImporter({ dataDir: data, log, now: () => AT });
      const first = await imp.run(req([a]), opts());
      fs.truncateSync(path.join(first.target!, "a.tif"), 10);
      expect(await imp.recover(req([a]), first.target)).toEqual({ state: "redo" });
      expect(fs.existsSync(first.target!)).toBe(false);
      expect(lines.some((l) => /does not verify \(a\.tif: size 10, expected 134\)/.test(l))).toBe(true);
    });

    it("redo after a crash mid-copy, removing the partial leaf of that fileset only", async () => {
      const day = path.join(data, "ManagedRepository", "amy", "2026-11", "25");
      fs.mkdirSync(path.join(day, ".13-04-05.006.7.partial"), { recursive: true });
      fs.writeFileSync(path.join(day, ".13-04-05.006.7.partial", "a.tif"), "half");
      fs.mkdirSync(path.join(day, ".13-04-05.007.9.partial"));
      const imp = new LocalImporter({ dataDir: data, log: memoryLog().log, now: () => AT });
      expect(await imp.recover(req([path.join(src, "a.tif")]), null)).toEqual({ state: "redo" });
      expect(fs.readdirSync(day)).toEqual([".13-04-05.007.9.partial"]);
    });
  });
});
