/**
 * Intake (events and walks) and file identity: stat each path, resolve its real path, gather what
 * the ledger knows of it, let core/file-identity.ts decide, and apply the effects. Runs on the
 * serial chain.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { decodeBadName, isValidUtf8 } from "@omero-fs/config";
import type { EventBlock } from "@omero-fs/protocol";
import type { Shared, Ticks } from "./context";
import {
  BAD_NAME,
  type Effect,
  type FileRecord,
  type Observation,
  observationEffects,
  type SeenStat,
} from "./core/file-identity";
import { eventWanted } from "./core/event-types";
import { containmentProblem, sharedLinkProblem, userOfPath } from "./core/paths";
import { type FirstWalk, recordAsExisting, releaseExisting } from "./core/reconcile";
import type { Grouping } from "./grouping";
import { linkedFolder } from "./walk";

const STAT_CONCURRENCY = 32;
/** Paths observed per ledger transaction. */
const OBSERVE_CHUNK = 512;
/** Rows per page when a deleted folder's known files are looked at again. */
const PAGE = 2000;

/** What intake uses besides the shared parts: the tick, and whether a watch's first walk runs (the reconciler's). */
export type IntakeContext = Shared &
  Ticks & {
    /** The watch's first walk in this process (omero.fs.existingFiles), if it has one. */
    firstWalk(watch: number): FirstWalk | undefined;
  };

export class Intake {
  constructor(
    private readonly ctx: IntakeContext,
    /** A changed path makes its folder's grouping due; a deleted file's content probe is dropped. */
    private readonly grouping: Pick<Grouping, "markDirty" | "forgetProbe">,
  ) {}

  /** Apply one event block to the ledger (on the serial chain). */
  async applyBlock(watch: number, block: EventBlock): Promise<void> {
    const files: string[] = [];
    const dirDeletes: string[] = [];
    const eventTypes = this.ctx.watch(watch).config.eventTypes;
    for (const e of block.events) {
      if (!eventWanted(e.type, eventTypes)) continue;
      if (e.isDir) {
        if (e.type === "Delete") dirDeletes.push(e.path);
        continue;
      }
      files.push(e.path);
    }
    await this.observePaths(watch, files);
    for (const d of dirDeletes) await this.observeDirGone(watch, d);
    this.ctx.requestTick();
  }

  /**
   * Stat each path (gone = Delete) and record what is there now. Returns how many records changed.
   * `via`: a walk, or an event (a file that gets an event is live, never a pre-existing one).
   */
  async observePaths(
    watch: number,
    paths: string[],
    via: "walk" | "event" = "event",
    followRenames = true,
  ): Promise<number> {
    let n = 0;
    for (let i = 0; i < paths.length; i += OBSERVE_CHUNK) {
      const chunk = paths.slice(i, i + OBSERVE_CHUNK);
      const seen: Observation[] = [];
      const rootCache = new Map<string, Promise<UserRoot>>();
      for (let j = 0; j < chunk.length; j += STAT_CONCURRENCY) {
        const part = chunk.slice(j, j + STAT_CONCURRENCY);
        seen.push(...(await Promise.all(part.map((p) => this.look(watch, p, rootCache)))));
      }
      const now = this.ctx.clock.now();
      const moved = new Set<string>();
      this.ctx.ledger.transaction(() => {
        for (const s of seen) {
          // A name that is gone: the file's other names are looked at again (one of them may
          // have been refused as a link shared with another user's folder).
          const was = !s.st && followRenames ? this.ctx.ledger.files.byPath(s.path) : null;
          if (was?.dev != null && was.ino != null)
            for (const l of this.ctx.ledger.files.linksOf(was.dev, was.ino, s.path)) moved.add(l.path);
          if (this.observe(watch, s, now, via)) n += 1;
          if (followRenames && s.st && s.isFile && !s.ownReason)
            for (const q of this.ctx.ledger.files.otherPathsWithInode(s.st.dev, s.st.ino, s.path)) moved.add(q);
        }
      });
      // A rename arrives as a Create of the new name only (OMERO's default eventTypes publish no
      // Delete): the old name's record (a temporary file moved over, a renamed folder's file) is
      // looked at again, so no stale row stays behind. A hard link keeps both.
      for (const p of chunk) moved.delete(p);
      if (moved.size > 0) n += await this.observePaths(watch, [...moved], via, false);
    }
    return n;
  }

  /** A folder was deleted: look again at every known file under it (paged by path). */
  async observeDirGone(watch: number, dir: string): Promise<void> {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    const hi = `${prefix.slice(0, -1)}0`;
    let after = prefix;
    for (;;) {
      const rows = this.ctx.ledger.files.pathsBetween(watch, after, hi, PAGE);
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!;
      await this.observePaths(watch, rows);
    }
  }

  private async look(watch: number, p: string, rootCache: Map<string, Promise<UserRoot>>): Promise<Observation> {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && p.includes("\\")) {
        const bad = await lookBadName(p);
        if (bad) return bad;
      }
      if (code === "ENOENT" || code === "ENOTDIR") return { path: p, st: null, isFile: false, refusal: null };
      return { path: p, st: null, isFile: true, refusal: `unreadable: ${code ?? String(e)}` };
    }
    const info = statInfoOf(st);
    if (!st.isFile()) {
      const refused = st.isDirectory() ? await this.folderLinkRefusal(watch, p) : null;
      return { path: p, st: info, isFile: refused !== null, refusal: refused, ownReason: refused !== null };
    }
    const d = userOfPath(this.ctx.watch(watch), p);
    if (d.kind !== "user") return { path: p, st: info, isFile: true, refusal: null };
    let root = rootCache.get(d.userRoot);
    if (!root) {
      root = userRootOf(d.userRoot, this.ctx.watch(watch).watchDir);
      rootCache.set(d.userRoot, root);
    }
    const [rootIs, realFile] = await Promise.all([root, fs.promises.realpath(p).catch(() => null)]);
    if (rootIs.refused) return { path: p, st: info, isFile: true, refusal: rootIs.refused };
    const realRoot = rootIs.real;
    if (!realRoot || !realFile) return { path: p, st: info, isFile: true, refusal: "cannot resolve its real path" };
    const seen: Observation = { path: p, st: info, isFile: true, refusal: containmentProblem(realRoot, realFile, p) };
    // stat follows links: lstat tells a symlink (a second name, not a hard link) from the file.
    if (realFile !== p && (await fs.promises.lstat(p).catch(() => null))?.isSymbolicLink()) seen.symlinkTo = realFile;
    else if (st.nlink > 1 && !seen.refusal) seen.refusal = await this.sharedLink(d.user, p, st);
    return seen;
  }

  /**
   * A file with other hard links: refused when one of them, known to the ledger and still the same
   * file, is under another user's folder (core/paths.ts sharedLinkProblem).
   */
  private async sharedLink(user: string, p: string, st: fs.Stats): Promise<string | null> {
    const links: { path: string; user: string }[] = [];
    for (const l of this.ctx.ledger.files.linksOf(st.dev, st.ino, p)) {
      const o = await fs.promises.stat(l.path).catch(() => null);
      if (o && o.dev === st.dev && o.ino === st.ino) links.push(l);
    }
    return sharedLinkProblem(user, links);
  }

  /**
   * A symlink to a folder is never followed (but a user's folder the admin linked): one directly
   * in the watch directory that is not followed, or one in a user's folder that leaves it, is
   * listed as refused with the reason; one that stays inside is nothing (its files are seen at
   * their real paths).
   */
  private async folderLinkRefusal(watch: number, p: string): Promise<string | null> {
    if (!(await fs.promises.lstat(p).catch(() => null))?.isSymbolicLink()) return null;
    const w = this.ctx.watch(watch);
    if (path.dirname(p) === path.resolve(w.watchDir)) {
      return (await userRootOf(p, w.watchDir)).refused ?? null;
    }
    const d = userOfPath(w, p);
    if (d.kind !== "user") return null;
    const [rootIs, realTarget] = await Promise.all([
      userRootOf(d.userRoot, w.watchDir),
      fs.promises.realpath(p).catch(() => null),
    ]);
    if (rootIs.refused) return rootIs.refused;
    const realRoot = rootIs.real;
    if (!realRoot || !realTarget) return "cannot resolve its real path";
    const why = containmentProblem(realRoot, realTarget, p);
    return why && `a symlink to a folder: ${why}`;
  }

  /** Record one observation (inside a transaction). Returns true when the ledger changed. */
  private observe(watch: number, s: Observation, now: number, via: "walk" | "event"): boolean {
    const files = this.ctx.ledger.files;
    const row = files.byPath(s.path);
    // No live record, or an imported one (recorded as deleted, its path may be free for a new file).
    const fresh = (!row || row.state === "imported") && s.st !== null && s.isFile;
    const sameInode = fresh
      ? files.importedWithInode(s.st!.dev, s.st!.ino).map((rec) => ({ rec, stillThere: stillHolds(rec, s.st!) }))
      : [];
    const importedVersion = fresh ? files.importedVersionOf(s.path, s.st!.size, s.st!.mtimeMs) : null;
    const effects = observationEffects({
      watch: this.ctx.watch(watch),
      seen: s,
      row,
      sameInode,
      importedVersion,
      changedAfterImport: this.ctx.opts().changedAfterImport,
      existing: this.existingVerdict(watch, s, row, now, via),
    });
    return this.apply(watch, s.path, row, effects, now, via);
  }

  /** omero.fs.existingFiles for this observation (core/reconcile.ts decides). */
  private existingVerdict(
    watch: number,
    s: Observation,
    row: FileRecord | null,
    now: number,
    via: "walk" | "event",
  ): { record: boolean; release: boolean } | undefined {
    const fw = this.ctx.firstWalk(watch);
    if (!s.st || (row && row.state !== "existing") || (!row && !fw)) return undefined;
    return {
      record:
        !row &&
        recordAsExisting({
          policy: this.ctx.opts().existingFiles,
          via,
          firstWalkStartedMs: fw && fw.endedMs === null ? fw.startedMs : null,
          mtimeMs: s.st.mtimeMs,
        }),
      release:
        !!row &&
        releaseExisting({
          via,
          contentChanged: row.size !== s.st.size || row.mtimeMs !== s.st.mtimeMs,
          firstWalkEndedMs: fw ? fw.endedMs : undefined,
          now,
        }),
    };
  }

  private apply(
    watch: number,
    p: string,
    row: FileRecord | null,
    effects: Effect[],
    now: number,
    via: "walk" | "event",
  ): boolean {
    const files = this.ctx.ledger.files;
    let changed = false;
    for (const e of effects) {
      if (e.do !== "log") changed = true;
      switch (e.do) {
        case "log":
          if (e.onceKey) this.ctx.problems.once(e.onceKey, e.level, e.msg);
          else this.ctx.log.log(e.level, e.msg);
          break;
        case "insert":
          files.recordNew(
            { path: p, watch, user: e.user, stat: e.stat, state: e.state, reason: e.reason, fileset: e.fileset },
            now,
          );
          break;
        case "setStat":
          files.recordStat(row!.id, e.stat, now);
          break;
        case "setState":
          files.setState(row!.id, e.state, e.reason, e.fileset);
          break;
        case "setReason":
          files.setReason(row!.id, e.reason);
          break;
        case "retire":
          files.retire(row!.id, e.reason, now);
          break;
        case "delete":
          files.forget(row!.id);
          this.grouping.forgetProbe(p);
          break;
        case "renameImported":
          files.renameImported(e.from, p, watch, e, e.reason);
          break;
        case "refreshInode":
          files.refreshInode(row!.id, e.dev, e.ino, e.birthMs);
          break;
        case "touchImported":
          files.touchImported(row!.id, e.mtimeMs);
          break;
        case "unqueue":
          this.unqueue(e.fileset, e.why);
          // The filesets that use it too (a shared file: Bio-Formats puts it in both).
          for (const id of this.ctx.ledger.filesets.sharedBy(p)) if (id !== e.fileset) this.unqueue(id, e.why);
          break;
        case "dirty":
          this.grouping.markDirty(row?.watch ?? watch, e.user, p, now, e.left, via);
          break;
      }
    }
    return changed;
  }

  /**
   * A member of a queued or incomplete fileset changed: back to waiting (it must be quiet and
   * regrouped again; a file that was cut may be whole now).
   */
  private unqueue(fileset: number, why: string): void {
    const fsets = this.ctx.ledger.filesets;
    if (fsets.unqueue(fileset)) this.ctx.log.info(`[fileset ${fileset}] back to waiting: ${why}`);
    else if (fsets.reopen(fileset)) {
      this.ctx.log.info(`[fileset ${fileset}] back to waiting from incomplete: ${why}`);
      this.ctx.problems.forgetPrefix(`incomplete:${fileset}`);
    } else return;
    this.ctx.readinessChanged([fileset]);
  }
}

/** A user's folder: its real path (null when it cannot be resolved), or why it is not followed. */
type UserRoot = { real: string | null; refused?: undefined } | { real?: undefined; refused: string };

/**
 * The real path of a user's folder (a symlink made by the admin is followed: files are checked
 * against its target), or why the folder is not followed (a link a user made).
 */
async function userRootOf(userRoot: string, watchDir: string): Promise<UserRoot> {
  if (path.dirname(userRoot) === path.resolve(watchDir)) {
    const why = await linkedFolder(userRoot, watchDir);
    if (why !== null && why !== "not a folder") return { refused: `the user's folder is not followed: ${why}` };
  }
  return { real: await fs.promises.realpath(userRoot).catch(() => null) };
}

/**
 * A path whose name is the encodeBadName text of a name that is not valid UTF-8 (the walk records
 * such names so): look at the real name, as bytes. Never imported: refused with the reason.
 */
async function lookBadName(p: string): Promise<Observation | null> {
  const raw = decodeBadName(path.basename(p));
  if (!raw || isValidUtf8(raw)) return null;
  const st = await fs.promises.lstat(Buffer.concat([Buffer.from(`${path.dirname(p)}/`), raw])).catch(() => null);
  if (!st) return null;
  const info = statInfoOf(st);
  return {
    path: p,
    st: info,
    isFile: true,
    refusal: st.isDirectory() ? `${BAD_NAME} (a folder: nothing in it is looked at until then)` : BAD_NAME,
    ownReason: true,
  };
}

/**
 * What file identity needs of a stat. The birth time is unknown (null) when the filesystem gives
 * none (0), and everywhere when this process cannot use statx: libuv then reports the ctime as
 * birth time, which a rename changes (BIRTH_TIMES).
 */
function statInfoOf(st: fs.Stats): SeenStat {
  const birthMs = BIRTH_TIMES && st.birthtimeMs > 0 ? st.birthtimeMs : null;
  return { size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino, birthMs };
}

/**
 * Are birth times real? Without statx (an old kernel, a seccomp filter) libuv fills them with the
 * ctime: then the node binary's birth time equals its ctime exactly, which a real one (written
 * long after its creation began) does not.
 */
const BIRTH_TIMES = ((): boolean => {
  try {
    const st = fs.statSync(process.execPath);
    return st.birthtimeMs !== st.ctimeMs;
  } catch {
    return false;
  }
})();

/** Does an imported file's old path still hold the same inode (a hard link), or did it move away? */
function stillHolds(rec: FileRecord, st: { dev: number; ino: number }): boolean {
  try {
    const o = fs.statSync(rec.path);
    return o.ino === st.ino && o.dev === st.dev;
  } catch {
    return false;
  }
}
