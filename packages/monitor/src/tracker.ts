/**
 * The known-set keeper of one monitor: every sighting (watcher event, poll diff, fast path,
 * listing, catch-up) is judged by compareWithKnown (core/compare.ts) and applied here: the
 * known-set follows what was seen, the events go to the monitor's publisher. It also lists
 * directories (the baseline walk, new directories, settle verification) and keeps the
 * "touched since the last verification" bookkeeping. Which source runs, and when a listing is
 * due, is the monitor's (monitor.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger } from "@omero-fs/config";
import { depthBelow, type FsEvent, folderDepthProblem, type MonitorParams } from "@omero-fs/protocol";
import { busy } from "./busy";
import { noteWork } from "./collect";
import { compareWithKnown, eventsOf, fastPathSkips, knownAfter, sightingChanged, type Verdict } from "./core/compare";
import { childInScope, descendInto, inScope, type Scope } from "./core/filters";
import { ABSENT, codeIno, codeIsDir, type EntryCode, entryCode, KnownTree } from "./core/known";
import { type PipelineTimings, type SettleDecision, settleDecision } from "./core/policy";
import { errnoOf, messageOf } from "./errors";
import type { Marker } from "./snapshot";
import { catchUp } from "./sources/catchup";
import { LinkedFolders } from "./sources/links";

export interface TrackerHooks {
  emit(ev: FsEvent): void;
  rescan(reason: string, p: string): void;
  /** A known directory is gone (or replaced): close the watches in and below it. */
  dirGone(dir: string): void;
  /** A listing found a new directory (while publishing): watch it, list it again later. */
  newDirListed(dir: string): void;
  /** The watch directory itself is gone. */
  rootGone(): void;
  /** A symlink directly in the watch directory is followed as a folder (sources/links.ts). */
  linkedFolder(link: string): void;
  /** A folder too deep to enter (refused with the reason): no watch may look inside it. */
  tooDeep(dir: string): void;
}

/** An lstat that is nothing (a link gone between the listing and its lstat). */
const EMPTY_STAT = { isSymbolicLink: () => false } as fs.Stats;

/** Refused parts kept for getMonitorState (each is logged once anyway). */
const MAX_REFUSED = 100;

export class Tracker {
  private readonly known: KnownTree;
  private scope: Scope;
  /** Directories touched since the last verification. */
  private readonly dirty = new Set<string>();
  /** Raw events since the last verification (a large episode verifies the whole tree). */
  private rawCount = 0;
  private lastRawAt = 0;
  private firstDirtyAt = 0;
  /** The next verification compares the whole tree. */
  private needFull = false;
  /** Problems logged once per run (unlistable directories, bad names, refused parts). */
  private readonly noticed = new Set<string>();
  /** Parts of the tree refused in this run, with why (getMonitorState's `refused`). */
  private refusals: { path: string; reason: string }[] = [];
  private readonly links: LinkedFolders;

  constructor(
    private readonly id: string,
    readonly watchDir: string,
    private readonly blacklist: string[],
    private readonly params: Pick<MonitorParams, "pathMode" | "ignoreSysFiles">,
    private readonly log: Logger,
    private readonly hooks: TrackerHooks,
  ) {
    this.known = new KnownTree(watchDir);
    this.scope = this.makeScope(new Set());
    this.links = new LinkedFolders(watchDir, (link, why) => {
      if (this.noticed.has(`link:${link}:${why}`)) return;
      this.noticed.add(`link:${link}:${why}`);
      this.log.warn(`monitor ${this.id}: ${why}`);
    });
  }

  private makeScope(startDirs: ReadonlySet<string>, pathMode = this.params.pathMode): Scope {
    const { ignoreSysFiles } = this.params;
    return { watchDir: this.watchDir, pathMode, blacklist: this.blacklist, ignoreSysFiles, startDirs };
  }

  inScope(p: string): boolean {
    return inScope(p, this.scope);
  }

  descendInto(dir: string): boolean {
    return descendInto(dir, this.scope);
  }

  /**
   * Whether a directory just found (new, or met by a listing) is entered. One too deep is not, and
   * is refused with the reason (once per run): the rest of the tree is watched as before.
   */
  enter(dir: string): boolean {
    if (descendInto(dir, this.scope)) return true;
    const why = folderDepthProblem(dir, depthBelow(this.watchDir, dir));
    if (why) {
      this.refuse(dir, why);
      this.hooks.tooDeep(dir);
    }
    return false;
  }

  // ------------------------------------------------------------ the known-set, read only

  codeOf(p: string): EntryCode {
    return this.known.codeOf(p);
  }

  isKnownDir(p: string): boolean {
    return this.known.isDir(p);
  }

  knownDirs(): string[] {
    return this.known.dirPaths();
  }

  get knownCount(): number {
    return this.known.size;
  }

  /** Parts of the tree refused in this run (newest last, at most MAX_REFUSED). */
  refused(): { path: string; reason: string }[] {
    return [...this.refusals];
  }

  // ------------------------------------------------------------ activity and when to verify

  /** `n` raw events arrived now (every one counts: a burst near the queue's size may have overflowed it). */
  noteRaw(n: number, now: number): void {
    this.rawCount += n;
    this.lastRawAt = now;
  }

  touchDir(dir: string, now: number): void {
    if (this.dirty.size === 0) this.firstDirtyAt = now;
    this.dirty.add(dir);
  }

  /** The next verification compares the whole tree (events were lost, or may have been). */
  wantWholeTree(): void {
    this.needFull = true;
  }

  /** The process was stalled: the whole tree, after the usual quiet time from now. */
  noteStall(now: number): void {
    this.needFull = true;
    this.lastRawAt = now;
    if (this.dirty.size === 0) this.firstDirtyAt = now;
  }

  /** Whether to verify now (and the whole tree?) or wait. */
  settle(now: number, timings: PipelineTimings): SettleDecision {
    return settleDecision(now, this.lastRawAt, this.firstDirtyAt, this.rawCount, timings);
  }

  // ------------------------------------------------------------ runs

  /** Start of a run: forget everything, then walk the tree (not published); Recurse's start set is every directory. */
  baseline(): void {
    this.noticed.clear();
    this.refusals = [];
    this.dirty.clear();
    this.rawCount = 0;
    this.known.clear();
    this.scope = this.makeScope(new Set(), this.params.pathMode === "Recurse" ? "Follow" : this.params.pathMode);
    this.list(this.watchDir, true, false);
    this.scope = this.makeScope(new Set(this.known.dirPaths()));
  }

  /** The watch directory vanished: nothing is known any more. */
  forget(): void {
    this.known.clear();
    this.dirty.clear();
  }

  /**
   * A watcher's (or a poll's) sighting of `p` (in scope; not a cookie, not the watch directory),
   * judged against the known-set and applied. "newDir": a directory appeared (created, moved in,
   * or replacing something), which the caller watches and lists.
   */
  sighting(p: string, type: "create" | "update" | "delete", now: number): "newDir" | "other" {
    this.touchDir(path.dirname(p), now);
    const seen = type === "delete" ? ABSENT : this.look(p);
    // A name that is not valid UTF-8 (text with U+FFFD, unknown): gone or there, the DropBox rescans.
    if (seen === null || (seen === ABSENT && path.basename(p).includes("\uFFFD") && this.known.codeOf(p) === ABSENT)) {
      this.badName(p, type !== "update");
      return "other";
    }
    const known = this.known.codeOf(p);
    const kind = type === "update" ? "update" : type === "create" ? "appeared" : "other";
    const v = this.reconcile(p, known, seen, sightingChanged(known, kind));
    return (v === "create" || v === "replace") && codeIsDir(seen) ? "newDir" : "other";
  }

  /**
   * A fast-path sighting (an entry `name` of `dir` appeared or went): judged when it is a file in a
   * directory the known-set holds (a new directory is the watcher's until it has listed it, or
   * its files would be published before it). The verdict, or null when not looked at.
   */
  fastSighting(dir: string, name: string, now: number): Verdict | null {
    const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
    if (!this.inScope(p) || (dir !== this.watchDir && !this.known.isDir(dir))) return null;
    let seen: EntryCode;
    try {
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      seen = st ? this.codeOfStat(p, st) : ABSENT;
    } catch {
      return null; // EACCES and the like: the watcher and the listing report it
    }
    this.touchDir(dir, now);
    this.lastRawAt = now;
    const known = this.known.codeOf(p);
    if (fastPathSkips(known, seen)) return "none";
    return this.reconcile(p, known, seen, sightingChanged(known, "appeared"));
  }

  /**
   * Apply compareWithKnown's verdict on one sighting: the known-set follows what was seen, the
   * events are queued (not during the baseline walk: publish false), and the watches in and
   * below a directory that is gone are closed.
   */
  reconcile(p: string, known: EntryCode, seen: EntryCode, changed: boolean, publish = true): Verdict {
    const v = compareWithKnown(known, seen, changed);
    if (v === "none") return v;
    if (v === "delete" || v === "replace") {
      this.known.remove(p);
      if (codeIsDir(known)) this.hooks.dirGone(p);
    }
    const after = knownAfter(v, seen);
    if (after !== null && after !== ABSENT) this.known.add(p, codeIsDir(after), codeIno(after));
    if (publish) for (const ev of eventsOf(p, v, known, seen, false)) this.hooks.emit(ev);
    return v;
  }

  /** lstat as an entry code: ABSENT when gone (or unreadable), null for a name that is not valid UTF-8. */
  look(p: string): EntryCode | null {
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(p, { throwIfNoEntry: false });
    } catch (e) {
      this.log.debug(`monitor ${this.id}: lstat ${p}: ${messageOf(e)}`);
    }
    if (st) return this.codeOfStat(p, st);
    return p.includes("\uFFFD") ? null : ABSENT;
  }

  /**
   * A listed entry's code. A file new to a publishing listing (in a folder made or moved in) gets
   * its inode, so the watcher's own create of it later is nothing new, and a file renamed over it
   * (another inode) is a replacement.
   */
  private listedCode(p: string, isDir: boolean, isNew: boolean): EntryCode {
    if (isDir || !isNew) return entryCode(isDir);
    try {
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      if (st && !st.isDirectory()) return entryCode(false, st.ino);
    } catch {
      // unreadable: no inode, as any listing
    }
    return entryCode(false);
  }

  /** The entry code of an lstat; a followed symlink to a folder (directly in the watch directory) is a directory. */
  codeOfStat(p: string, st: fs.Stats): EntryCode {
    return entryCode(st.isDirectory() || this.followsLink(p, st), st.ino);
  }

  private followsLink(p: string, st: fs.Stats): boolean {
    if (!st.isSymbolicLink() || !this.links.follows(p, st)) return false;
    this.hooks.linkedFolder(p);
    return true;
  }

  /** List every touched directory (or the whole tree, when needFull) and publish what the sources missed. */
  verify(): void {
    const dirs = [...this.dirty];
    this.dirty.clear();
    this.rawCount = 0;
    if (!fs.existsSync(this.watchDir)) {
      this.hooks.rootGone();
      return;
    }
    if (this.needFull) {
      this.needFull = false;
      this.list(this.watchDir, true, true);
      return;
    }
    for (const d of dirs) {
      if (d === this.watchDir || (this.known.isDir(d) && this.inScope(d))) this.list(d, false, true);
    }
  }

  /**
   * Compare a directory's listing with the known-set (entry by entry, compareWithKnown; then the
   * known names the listing no longer has). New directories are walked. deep: also walk the
   * known directories below. publish false: the baseline walk (known-set only). Iterative: a
   * stack of directories being listed (at most MAX_FOLDER_DEPTH), each a generator that yields
   * the folders to walk below it, walked at once, in the order recursion would (a folder's own
   * known-set is filled while it is young: 500 empty ones made first and filled later left
   * ~3 MiB more garbage in the old generation of a 100,000-file walk).
   */
  list(dir: string, deep: boolean, publish: boolean): void {
    busy(() => {
      const frames = [this.listOne(dir, deep, publish)];
      while (frames.length > 0) {
        const next = frames[frames.length - 1]!.next();
        if (next.done) frames.pop();
        else frames.push(this.listOne(next.value, true, publish));
      }
    });
  }

  /** One directory; yields each directory below it to walk (always deep), before going on. */
  private *listOne(dir: string, deep: boolean, publish: boolean): Generator<string, void, undefined> {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      const code = errnoOf(e);
      if (code === "ENOENT" || code === "ENOTDIR") {
        if (dir !== this.watchDir) this.reconcile(dir, this.known.codeOf(dir), ABSENT, false, publish);
        else if (publish) this.hooks.rootGone();
        return;
      }
      this.refuse(dir, `cannot list directory: ${code ?? messageOf(e)}`, `cannot list ${dir}: ${messageOf(e)}`);
      return;
    }
    noteWork(entries.length);
    // The known-set's own map (no copy: verifying 100,000 entries must not allocate 100,000).
    const kids = this.known.childCodes(dir);
    const seen = new Set<string>();
    const prefix = dir === "/" ? "/" : `${dir}/`;
    // The directory's own path was checked once: its entries only add their names.
    const dirInScope = dir === this.watchDir || this.inScope(dir);
    for (const de of entries) {
      const name = de.name;
      const p = prefix + name;
      if (dirInScope ? !childInScope(dir, name, this.scope) : !this.inScope(p)) continue;
      if (name.includes("\uFFFD") && !fs.existsSync(p)) {
        this.badName(p, false);
        continue;
      }
      seen.add(name);
      const isDir =
        de.isDirectory() ||
        (de.isSymbolicLink() && dir === this.watchDir && this.followsLink(p, lstatOrNull(p) ?? EMPTY_STAT));
      const known = kids?.get(name) ?? ABSENT;
      const v = this.reconcile(p, known, this.listedCode(p, isDir, known === ABSENT && publish), false, publish);
      if (!isDir) continue;
      const isNew = v === "create" || v === "replace";
      if (!(isNew || deep) || !this.enter(p)) continue;
      if (isNew && publish) this.hooks.newDirListed(p);
      yield p;
    }
    const now = this.known.childCodes(dir);
    if (!now) return;
    const gone: [string, EntryCode][] = [];
    for (const [name, c] of now) if (!seen.has(name)) gone.push([prefix + name, c]);
    for (const [p, c] of gone) this.reconcile(p, c, ABSENT, false, publish);
  }

  /**
   * A part of the tree the monitor cannot or will not watch: logged once per run (`log`, else the
   * reason), a rescan notice (the DropBox lists it itself and says why too), kept for the state.
   */
  private refuse(p: string, reason: string, log = reason): void {
    if (this.noticed.has(`refused:${p}`)) return;
    this.noticed.add(`refused:${p}`);
    this.log.warn(`monitor ${this.id}: ${log}; rescan notice, watching the rest`);
    this.hooks.rescan(reason, p);
    this.recordRefused(p, reason);
  }

  /** Keep a refusal for getMonitorState (the newest MAX_REFUSED). */
  recordRefused(p: string, reason: string): void {
    if (this.refusals.some((r) => r.path === p && r.reason === reason)) return;
    this.refusals.push({ path: p, reason });
    if (this.refusals.length > MAX_REFUSED) this.refusals.shift();
  }

  /** Publish what changed since the snapshot of the last run (catchUp: true); a bad snapshot is a rescan notice. */
  catchUp(snapshotFile: string, marker: Marker | null): void {
    let n: number;
    try {
      // Seconds on a million files (an lstat per file): our own work, not a stall (busy.ts).
      n = busy(() =>
        catchUp(
          {
            snapshotFile,
            watchDir: this.watchDir,
            known: this.known,
            inScope: (p) => this.inScope(p),
            knownDirs: new Set(marker?.dirs ?? []),
          },
          (ev) => this.hooks.emit(ev),
        ),
      );
    } catch (e) {
      this.log.warn(`monitor ${this.id}: cannot read snapshot ${snapshotFile}: ${messageOf(e)}; rescan notice`);
      this.hooks.rescan("snapshot unreadable", this.watchDir);
      return;
    }
    this.log.info(
      `monitor ${this.id}: catch-up since the snapshot of ${marker?.running ? "an unclean stop (periodic snapshot)" : "the last stop"}: ${n} changes`,
    );
  }

  /**
   * A name that is not valid UTF-8 (read as text with U+FFFD): it cannot be published as a path,
   * so the DropBox is asked to rescan the folder (its walk lists names as bytes and records the
   * name as refused, with the reason). `again`: an appearance or disappearance the watcher
   * reported (each is announced); a listing announces each name once per run.
   */
  badName(p: string, again: boolean): void {
    // Inside a folder whose own name is bad (never listed, refused as a whole): once per folder,
    // so a copy into it is not a rescan per file.
    const bad = p.indexOf("\uFFFD");
    const slash = p.indexOf("/", bad);
    if (slash >= 0) {
      p = p.slice(0, slash);
      again = false;
    }
    const dir = path.dirname(p);
    if (!this.noticed.has(`badname:${dir}`)) {
      this.noticed.add(`badname:${dir}`);
      this.log.warn(
        `monitor ${this.id}: a name in ${dir} is not valid UTF-8 (cannot be published as text): rescan notice, so the DropBox lists it as refused`,
      );
    }
    if (!again && this.noticed.has(`badname:${p}`)) return;
    this.noticed.add(`badname:${p}`);
    this.hooks.rescan("a name that is not valid UTF-8", dir);
  }
}

/** lstat, or null when gone or unreadable (a path too long, a loop): an entry like any other then. */
function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
