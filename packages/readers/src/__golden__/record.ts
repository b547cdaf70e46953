/**
 * Records what real Bio-Formats makes of every golden layout (issue 18):
 *
 *     npx tsc -b && node packages/readers/dist/__golden__/record.js [family...]
 *
 * Writes each layout to a fresh temporary folder, runs ../shared/bioformats/group on it (the judge:
 * Bio-Formats grouping like `omero import -f`), and for every multi-file fileset asks which members,
 * given alone, open the same fileset (Opens.java, the same Group driver). Stores the answers, paths
 * relative to the layout root, in src/__golden__/recorded/<family>.json. Needs java and javac 17 and
 * the bioformats folder (found beside an ancestor of this repository as shared/bioformats, or at
 * $BIOFORMATS_DIR); refuses with the reason when one is missing. Never edit the JSON by hand.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { layoutHash, loadFamilies, recordedPath, relativeTo, writeLayout } from "./disk";
import type { RecordedFamily, RecordedFileset, RecordedIgnored, RecordedLayout } from "./types";

const JAVA_SOURCE = path.resolve(__dirname, "..", "..", "src", "__golden__", "Opens.java");

class Refusal extends Error {}

function findBioformats(): string {
  const env = process.env.BIOFORMATS_DIR;
  if (env) {
    if (!fs.existsSync(path.join(env, "group")))
      throw new Refusal(`BIOFORMATS_DIR=${env} holds no group driver; point it at shared/bioformats`);
    return env;
  }
  const tried: string[] = [];
  for (let d = path.resolve(__dirname); ; d = path.dirname(d)) {
    const c = path.join(d, "shared", "bioformats");
    tried.push(c);
    if (fs.existsSync(path.join(c, "group")) && fs.existsSync(path.join(c, "oracle.jar"))) return c;
    if (path.dirname(d) === d) break;
  }
  throw new Refusal(
    `Bio-Formats' group driver not found (looked for shared/bioformats/group in ${tried.slice(-3).join(", ")}, ...); set BIOFORMATS_DIR to the shared/bioformats folder`,
  );
}

function needTool(cmd: string, why: string): void {
  const r = spawnSync(cmd, ["-version"], { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new Refusal(
      `${cmd} not found or not working (${r.error?.message ?? r.stderr.trim()}): ${why}; install Java 17`,
    );
}

/**
 * The judge walks each layout without OMERO's folder depth limit (4): OMERO.dropbox hands `import -f` the
 * paths of the files that changed, never a folder to walk, so a file five folders down is grouped as any
 * other (docs: src/__golden__/README.md).
 */
const JUDGE_ENV = { ...process.env, ORACLE_JAVA_OPTS: "-Domero.import.depth=64" };

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: JUDGE_ENV });
  if (r.error || r.status !== 0)
    throw new Error(`${what} failed (exit ${r.status}): ${r.error?.message ?? ""}${r.stderr.slice(-2000)}`);
  return r.stdout;
}

const jsonLines = (out: string) =>
  out
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function compileOpens(bf: string, into: string): string {
  run("javac", ["-nowarn", "-cp", path.join(bf, "oracle.jar"), "-d", into, JAVA_SOURCE], "javac Opens.java");
  return into;
}

function main(argv: string[]): void {
  const bf = findBioformats();
  needTool("java", "the judge is Bio-Formats itself");
  needTool("javac", "record.ts compiles Opens.java against oracle.jar");
  const families = loadFamilies(argv);
  const names = new Map<string, string>();
  for (const fam of families)
    for (const l of fam.layouts) {
      const other = names.get(l.name);
      if (other) throw new Refusal(`layout name ${l.name} is used twice (families ${other} and ${fam.family})`);
      names.set(l.name, fam.family);
    }
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "golden-record-")));
  try {
    const classes = compileOpens(bf, path.join(tmp, "classes"));
    const cp = `${path.join(bf, "oracle.jar")}:${path.join(bf, "lib", "*")}:${classes}`;
    for (const fam of families) {
      const started = Date.now();
      const out: RecordedFamily = { family: fam.family, judge: judgeName(bf), layouts: [] };
      const askOpens: { layout: RecordedLayout; set: RecordedFileset; root: string }[] = [];
      for (const layout of fam.layouts) {
        const root = path.join(tmp, fam.family, layout.name.replace(/[^A-Za-z0-9._-]/g, "_"));
        writeLayout(layout, root);
        const rel = (p: string) => relativeTo(root, p);
        const lines = jsonLines(run(path.join(bf, "group"), [root], `group ${layout.name}`));
        const rec: RecordedLayout = { name: layout.name, hash: layoutHash(layout), filesets: [], ignored: [] };
        for (const l of lines) {
          if (typeof l.ignored === "string") {
            const i: RecordedIgnored = { path: rel(l.ignored), why: String(l.why) };
            if (typeof l.error === "string") i.error = l.error.split(`${root}/`).join(""); // no temp paths in the record
            rec.ignored.push(i);
            continue;
          }
          const files = (l.files as string[]).map(rel);
          const set: RecordedFileset = {
            entry: rel(String(l.entry)),
            reader: String(l.reader),
            files,
            series: Number(l.series),
            spw: l.spw === true,
            opensSame: files.length === 1 ? [...files] : [],
          };
          if (typeof l.setId === "string") set.setId = rel(l.setId);
          rec.filesets.push(set);
          if (files.length > 1) askOpens.push({ layout: rec, set, root });
        }
        out.layouts.push(rec);
      }
      // Which members open the same fileset alone: one JVM for the whole family.
      const args = askOpens.flatMap((a) => a.set.files.map((f) => path.join(a.root, f)));
      if (args.length > 0) {
        const answers = new Map<string, string[] | null>();
        for (const l of jsonLines(run("java", ["-cp", cp, "Opens", ...args], `Opens (${fam.family})`)))
          answers.set(String(l.file), (l.files as string[] | null) ?? null);
        for (const a of askOpens) {
          const key = [...a.set.files].sort().join("\n");
          a.set.opensSame = a.set.files.filter((f) => {
            const got = answers.get(path.join(a.root, f));
            return !!got && [...got.map((g) => relativeTo(a.root, g))].sort().join("\n") === key;
          });
        }
      }
      fs.mkdirSync(path.dirname(recordedPath(fam.family)), { recursive: true });
      fs.writeFileSync(recordedPath(fam.family), formatRecorded(out));
      const sets = out.layouts.reduce((n, l) => n + l.filesets.length, 0);
      process.stdout.write(
        `${fam.family}: ${out.layouts.length} layouts, ${sets} filesets recorded in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${path.relative(process.cwd(), recordedPath(fam.family))}\n`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** One line per fileset and ignored file, so a re-recording's diff shows what changed. */
function formatRecorded(r: RecordedFamily): string {
  const j = JSON.stringify;
  const block = (xs: unknown[]) =>
    xs.length === 0 ? "[]" : `[\n${xs.map((x) => `        ${j(x)}`).join(",\n")}\n      ]`;
  const layouts = r.layouts.map(
    (l) =>
      `    {\n      "name": ${j(l.name)},\n      "hash": ${j(l.hash)},\n      "filesets": ${block(l.filesets)},\n      "ignored": ${block(l.ignored)}\n    }`,
  );
  return `{\n  "family": ${j(r.family)},\n  "judge": ${j(r.judge)},\n  "layouts": [\n${layouts.join(",\n")}\n  ]\n}\n`;
}

function judgeName(bf: string): string {
  const sources = path.join(bf, "SOURCES");
  const commit = fs.existsSync(sources)
    ? /^bioformats\s+\S+\s+([0-9a-f]{40})/m.exec(fs.readFileSync(sources, "utf8"))
    : null;
  return `shared/bioformats/group (Bio-Formats ${commit ? commit[1]!.slice(0, 8) : "unknown commit"})`;
}

try {
  main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`record: ${(e as Error).message}\n`);
  process.exit(e instanceof Refusal ? 2 : 1);
}
