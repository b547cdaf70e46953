/**
 * `omero-fs files plan DIR [--json]`: the filesets the DropBox would make of a tree and whether each
 * would be imported now, without importing anything (OMERO's `omero import -f`). The same grouping
 * and readiness code as the DropBox (@omero-fs/dropbox's planTree); works on any folder, with or
 * without a running node. The watch whose watchDir holds DIR gives the readers file, whitelist,
 * filters and waits; outside every watch, the first watch's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type FilesetPlanJson, FilesPlanJsonSchema } from "@omero-fs/protocol";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError } from "../errors";
import { escapeName } from "../format";
import { checkContract } from "../ledger-access";

interface PlanArgs extends GlobalArgs {
  dir: string;
  json?: boolean;
  readers?: string;
}

const n = (x: number) => x.toLocaleString("en-US");

function planText(dir: string, plan: import("@omero-fs/dropbox/plan").TreePlan, readersFrom: string): string {
  const e = escapeName;
  const rel = (p: string) => (p.startsWith(`${dir}/`) ? p.slice(dir.length + 1) : p);
  const lines: string[] = [];
  const ready = plan.filesets.filter((f) => f.ready).length;
  lines.push(
    `${e(dir)}: ${plan.filesets.length} fileset${plan.filesets.length === 1 ? "" : "s"} (${ready} ready), ${plan.pending.length} file(s) waiting for an entry, ${plan.ignored.length} ignored (readers: ${e(readersFrom)})`,
  );
  for (const f of plan.filesets) {
    lines.push("", `${f.ready ? "ready  " : f.incomplete ? "INCOMPLETE" : "waiting"} ${e(rel(f.entry))}`);
    lines.push(`  reader: ${e(f.reader)}; ${f.files.length} file${f.files.length === 1 ? "" : "s"}`);
    const p = f.plate;
    if (p) {
      const dims = `${p.wells} wells x ${p.fields} fields x ${p.channels} channels x ${p.timepoints} timepoints${p.zSteps > 1 ? ` x ${p.zSteps} z` : ""}`;
      const images =
        p.expectedImages > 0
          ? `${n(p.presentImages)} of ${n(p.expectedImages)} images`
          : `${n(p.presentImages)} images`;
      lines.push(`  plate: ${e(p.format)} ${e(p.name)}: ${dims}; ${images}`);
    }
    for (const w of f.waitingFor) lines.push(`  waiting for: ${e(w)}`);
    if (f.shared?.length)
      lines.push(
        `  also in another fileset (Bio-Formats imports it in both): ${f.shared.map((s) => e(rel(s))).join(", ")}`,
      );
    if (f.missing?.length) {
      lines.push(`  missing (${n(f.missing.length)}):`);
      for (const m of f.missing.slice(0, 10)) lines.push(`    ${e(rel(m))}`);
      if (f.missing.length > 10) lines.push(`    ... and ${n(f.missing.length - 10)} more (--json lists all)`);
    }
  }
  const listed = (title: string, xs: { path: string; reason: string }[]) => {
    if (xs.length === 0) return;
    lines.push("", `${title} (${xs.length}):`);
    for (const x of xs.slice(0, 50)) lines.push(`  ${e(rel(x.path))}: ${e(x.reason)}`);
    if (xs.length > 50) lines.push(`  ... and ${xs.length - 50} more`);
  };
  listed("waiting for an entry file (not imported alone)", plan.pending);
  listed("ignored", plan.ignored);
  if (plan.unreadable.length)
    listed(
      "folders that could not be read",
      plan.unreadable.map((d) => ({ path: d, reason: "unreadable" })),
    );
  return `${lines.join("\n")}\n`;
}

export const filesPlanCommand: CommandModule<GlobalArgs, PlanArgs> = {
  command: "plan <dir>",
  describe:
    "The filesets DropBox would make of a folder and whether each is ready, without importing anything (like omero import -f)",
  builder: (y) =>
    y
      .positional("dir", {
        type: "string",
        describe: "folder to plan (inside the DropBox tree or anywhere)",
        demandOption: true,
      })
      .option("json", { type: "boolean", describe: "Print the --json contract shape (an array, one per fileset)" })
      .option("readers", { type: "string", describe: "readers file (readers.txt format) instead of the watch's" }),
  handler: async (a) => {
    const dir = path.resolve(a.dir);
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch {
      throw new CliError(`${escapeName(dir)} does not exist; give the folder to plan`);
    }
    if (!st.isDirectory())
      throw new CliError(`${escapeName(dir)} is not a folder; give the folder that holds the files`);
    const { loadConfigOrThrow } = await import("@omero-fs/config");
    const config = loadConfigOrThrow({ home: homeOf(a) });
    const { resolveOptions } = require("@omero-fs/dropbox/plan") as typeof import("@omero-fs/dropbox/plan");
    const opts = resolveOptions(config);
    const real = fs.realpathSync(dir);
    const inside = (w: string) => {
      const r = fs.existsSync(w) ? fs.realpathSync(w) : path.resolve(w);
      return real === r || real.startsWith(`${r}/`);
    };
    const watch = opts.watches.find((w) => inside(w.watchDir)) ?? opts.watches[0];
    if (!watch) throw new CliError("no watch is configured (omero.fs.watchDir); see omero-fs config check");
    const readersFile = a.readers ?? watch.config.readers;
    const readers = await import("@omero-fs/readers");
    let catalogue: import("@omero-fs/readers").Catalogue;
    try {
      catalogue = readersFile ? readers.loadReadersFile(readersFile) : readers.defaultCatalogue();
    } catch (e) {
      throw new CliError((e as Error).message.split("\n")[0]!);
    }
    const { planTree } = require("@omero-fs/dropbox/plan") as typeof import("@omero-fs/dropbox/plan");
    const plan = await planTree(dir, watch, catalogue, Date.now());
    if (a.json) {
      const out: FilesetPlanJson[] = plan.filesets;
      checkContract("files plan", out, FilesPlanJsonSchema.element);
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    process.stdout.write(planText(dir, plan, readersFile || "the default list"));
  },
};
