/** Switches of the fake OMERO server (test/fixtures/fake-omero.d/server.js), flipped while a DropBox runs. */
import * as fs from "node:fs";
import * as path from "node:path";

export interface FakeOmero {
  /** The server's state directory (FAKE_OMERO_STATE). */
  state: string;
  /** The call log (FAKE_OMERO_LOG): one JSON line per CLI call. */
  log: string;
  /** Environment for the DropBox / importer under test. */
  env: Record<string, string>;
  /** Refuse connections for `ms` from now (null: until up()); `restart`: sessions are gone afterwards. */
  down(ms: number | null, restart?: boolean): void;
  up(): void;
  slow(seconds: number): void;
  serverError(line: string | null): void;
  cannotRead(prefix: string | null): void;
  calls(): FakeCall[];
  /** Imports the server recorded: {entry, files, transfer, repoFiles, images, user}. */
  imports(): FakeImport[];
}

export interface FakeCall {
  argv: string[];
  cmd: string;
  at: number;
  omeroPassword: string | null;
  sessionDir: string | null;
}

export interface FakeImport {
  n: number;
  user: string;
  entry: string;
  files: string[];
  repoFiles: string[];
  transfer: string;
  images: number[];
  fileset: number;
}

function jsonLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

export function fakeOmero(dir: string, env: Record<string, string> = {}): FakeOmero {
  const log = path.join(dir, "fake-omero.jsonl");
  const state = path.join(dir, "fake-omero-state");
  fs.mkdirSync(state, { recursive: true });
  const put = (name: string, text: string | null) => {
    const f = path.join(state, name);
    if (text === null) fs.rmSync(f, { force: true });
    else {
      fs.writeFileSync(`${f}.tmp`, text);
      fs.renameSync(`${f}.tmp`, f);
    }
  };
  return {
    state,
    log,
    env: { FAKE_OMERO_LOG: log, FAKE_OMERO_STATE: state, ...env },
    down(ms, restart = true) {
      const from = Date.now();
      put("outage.json", JSON.stringify({ from, until: ms === null ? null : from + ms, restart }));
    },
    up() {
      const t = fs.existsSync(path.join(state, "outage.json"))
        ? (JSON.parse(fs.readFileSync(path.join(state, "outage.json"), "utf8")) as { from: number; restart: boolean })
        : null;
      // Keep the record of the outage (sessions from before it stay gone when it was a restart).
      if (t) put("outage.json", JSON.stringify({ ...t, until: Date.now() }));
    },
    slow: (s) => put("slow", String(s)),
    serverError: (line) => put("server-error", line),
    cannotRead: (prefix) => put("server-cannot-read", prefix),
    calls: () => jsonLines<FakeCall>(log),
    imports: () => jsonLines<FakeImport>(path.join(state, "imports.jsonl")),
  };
}
