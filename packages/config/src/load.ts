import * as fs from "node:fs";
import * as path from "node:path";
import type * as Readers from "@omero-fs/readers";
import { envKeyToProperty } from "./env";
import { homePaths } from "./home";
import { OMERO_UNUSED_PROPERTIES, PASSWORD_PROPERTY, PROPERTIES } from "./properties";
import { didYouMeanSuffix, findProperty } from "./property-lookup";
import { type ConfigSource, type RawValue, type ReadersFileCheck, resolveConfig } from "./resolve";
import { scanTemplatesXml, scopeRank } from "./templates-xml";
import type { ConfigProblem, OmeroFsConfig } from "./types";

/**
 * The configuration loader (docs/ARCHITECTURE.md, "CLI contracts"; packages/config/README.md): the I/O shell around the pure scanner and
 * resolver. Sources, later wins: defaults, etc/grid/templates.xml, etc/config.json, OMERO_FS_*.
 */

export interface LoadOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
}

/** Where each property's effective raw value came from (for `config list`). */
export interface PropertyValue {
  name: string;
  raw: string;
  source: ConfigSource;
  origin: string;
}

export interface LoadResult {
  /** The validated configuration, or null when there is any problem: then nothing may start. */
  config: OmeroFsConfig | null;
  /** Every problem; each message names the property, the slot (watch number and user) and what is allowed. */
  problems: ConfigProblem[];
  /** Not fatal: unknown omero.fs.* keys (with a did-you-mean), ignored scopes, overlaps. */
  warnings: string[];
  /** Informational: accepted OMERO properties omero-fs does not use. */
  notes: string[];
  /** Best-effort configuration for display (`config check`): slots with a problem hold their default. */
  effective: OmeroFsConfig | null;
  /** Effective raw value and source of every property, in table order. */
  values: PropertyValue[];
}

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(readonly problems: ConfigProblem[]) {
    super(
      problems.length === 1
        ? problems[0]!.message
        : `${problems.length} configuration problems:\n${problems.map((p) => `  ${p.message}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** The default readers-file check: loadReadersFile from @omero-fs/readers. */
export const defaultReadersFileCheck: ReadersFileCheck = (file) => {
  // Required only when a readers file is set: the readers package is 40 ms of every CLI start.
  const { loadReadersFile, ReadersFileError }: typeof Readers = require("@omero-fs/readers");
  try {
    loadReadersFile(file);
    return null;
  } catch (e) {
    if (e instanceof ReadersFileError && e.code === "READERS_FILE_MISSING")
      return `readers file ${file} does not exist or cannot be read; give an existing readers.txt-format file, or leave the slot empty for the full catalogue`;
    return e instanceof Error ? e.message : String(e);
  }
};

/** Read a file, or null when it does not exist. */
function readOptional(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** Parse etc/config.json text: a flat object of property name -> string. Pure. */
export function parseConfigJson(text: string): { values: Record<string, string>; problem: string | null } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const line = m ? text.slice(0, Number(m[1])).split("\n").length : null;
    return { values: {}, problem: `not valid JSON${line ? ` (line ${line})` : ""}: ${msg}` };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return { values: {}, problem: 'must be a JSON object like {"omero.fs.watchDir": "/data/DropBox"}' };
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === "string") values[k] = v;
    else if (typeof v === "number" || typeof v === "boolean") values[k] = String(v);
    else return { values: {}, problem: `value of "${k}" must be a string` };
  }
  return { values, problem: null };
}

function check(
  key: string,
  where: string,
  problems: ConfigProblem[],
  warnings: string[],
  notes: Set<string>,
): "use" | "skip" {
  if (findProperty(key) && key.includes(".")) return "use";
  if (key === PASSWORD_PROPERTY) {
    problems.push({
      property: key,
      slot: null,
      message: `${key} (${where}): passwords are never read from configuration files; put it in the file named by omero.fs.omeroPasswordFile or in $OMERO_FS_OMERO_PASSWORD`,
    });
    return "skip";
  }
  if (OMERO_UNUSED_PROPERTIES.includes(key)) {
    notes.add(`${key} (${where}) is an OMERO property omero-fs does not use; ignored`);
    return "skip";
  }
  warnings.push(`unknown property ${key} (${where}); ignored${didYouMeanSuffix(key)}`);
  return "skip";
}

/** Load the configuration of a home. Never throws on bad user input. */
export function loadConfig(opts: LoadOptions): LoadResult {
  const home = opts.home;
  const env = opts.env ?? process.env;
  const paths = homePaths(home);
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const notes = new Set<string>();
  const values = new Map<string, RawValue>();

  // templates.xml
  let xmlText: string | null = null;
  try {
    xmlText = readOptional(paths.templatesXml);
  } catch (e) {
    problems.push({ property: "templates.xml", slot: null, message: `${paths.templatesXml}: ${(e as Error).message}` });
  }
  if (xmlText !== null) {
    const scan = scanTemplatesXml(xmlText);
    for (const p of scan.problems)
      problems.push({
        property: "templates.xml",
        slot: null,
        message: `${paths.templatesXml}:${p.line}: malformed XML: ${p.message}`,
      });
    const best = new Map<string, { rank: number; line: number; value: string }>();
    for (const p of scan.properties) {
      if (!p.name.startsWith("omero.fs.") && p.name !== "omero.data.dir") continue;
      const rank = scopeRank(p.scope);
      if (rank === null) {
        if (findProperty(p.name))
          warnings.push(
            `templates.xml:${p.line}: ${p.name} inside ${p.where} is not read (only bare <property> lines, <properties id="DropBox">, <properties id="Profile"> and the DropBox server template count)`,
          );
        continue;
      }
      if (check(p.name, `templates.xml:${p.line}`, problems, warnings, notes) === "skip") continue;
      const prev = best.get(p.name);
      if (!prev || rank >= prev.rank) best.set(p.name, { rank, line: p.line, value: p.value });
    }
    for (const [name, b] of best)
      values.set(name, { raw: b.value, source: "templates.xml", origin: `templates.xml:${b.line}` });
  }

  // config.json
  let jsonText: string | null = null;
  try {
    jsonText = readOptional(paths.configJson);
  } catch (e) {
    problems.push({ property: "config.json", slot: null, message: `${paths.configJson}: ${(e as Error).message}` });
  }
  if (jsonText !== null) {
    const r = parseConfigJson(jsonText);
    if (r.problem) problems.push({ property: "config.json", slot: null, message: `${paths.configJson}: ${r.problem}` });
    for (const [k, v] of Object.entries(r.values)) {
      if (check(k, "config.json", problems, warnings, notes) === "skip") continue;
      values.set(k, { raw: v, source: "config.json", origin: "config.json" });
    }
  }

  // Environment.
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith("OMERO_FS_") || v === undefined) continue;
    const r = envKeyToProperty(k);
    if (r.kind === "property") values.set(r.name, { raw: v, source: "env", origin: k });
    else if (r.kind === "unknown") warnings.push(`unknown environment variable ${k}; ignored${r.suggestion}`);
  }

  const curveDir = path.join(home, "etc", "curve");
  const resolved = resolveConfig({
    home,
    values,
    checkReadersFile: defaultReadersFileCheck,
    curve: {
      dir: curveDir,
      serverKey: fs.existsSync(path.join(curveDir, "server.key")),
      authorizedKeys: fs.existsSync(path.join(curveDir, "authorized_keys")),
    },
  });
  problems.push(...resolved.problems);
  warnings.push(...resolved.warnings);
  const list: PropertyValue[] = PROPERTIES.map((def) => {
    const v = values.get(def.name);
    return v
      ? { name: def.name, raw: v.raw, source: v.source, origin: v.origin }
      : {
          name: def.name,
          raw: typeof def.default === "function" ? def.default(home) : def.default,
          source: "default",
          origin: "default",
        };
  });
  return {
    config: problems.length === 0 ? resolved.effective : null,
    problems,
    warnings,
    notes: [...notes],
    effective: resolved.effective,
    values: list,
  };
}

/** Load, or throw ConfigError (with `.problems`) when anything is wrong. */
export function loadConfigOrThrow(opts: LoadOptions): OmeroFsConfig {
  const r = loadConfig(opts);
  if (!r.config || r.problems.length) throw new ConfigError(r.problems);
  return r.config;
}
