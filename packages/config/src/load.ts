// TEMPORARY STUB (lead): the config helper replaces this file with the real loader.
import * as path from "node:path";
import { defaultEndpoints } from "./home";
import type { ConfigProblem, OmeroFsConfig } from "./types";

export interface LoadOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
}
export interface LoadResult {
  config: OmeroFsConfig | null;
  problems: ConfigProblem[];
  warnings: string[];
}
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.property}${p.slot !== null ? ` (watch ${p.slot})` : ""}: ${p.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

export function loadConfig(opts: LoadOptions): LoadResult {
  const home = opts.home;
  const ep = defaultEndpoints(home);
  const dataDir = path.join(home, "data");
  const config: OmeroFsConfig = {
    global: {
      home,
      dataDir,
      defaultDropBoxDir: "DropBox",
      importer: "local",
      importConcurrency: 1,
      importRetries: 3,
      importTimeout: 3600,
      rescanInterval: 3600,
      reimportModified: false,
      ...ep,
      insecureTcp: false,
      watchBackend: "auto",
      pollInterval: 2,
      logLevel: "info",
      logMaxSize: 10 * 1024 * 1024,
      logMaxFiles: 5,
      omeroBin: "omero",
      omeroServer: "localhost",
      omeroPort: 4064,
      omeroAdmin: "root",
      omeroPasswordFile: "",
      execCommand: "",
    },
    watches: [
      {
        index: 0,
        user: "default",
        watchDir: path.join(dataDir, "DropBox"),
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
      },
    ],
  };
  return { config, problems: [], warnings: [] };
}

export function loadConfigOrThrow(opts: LoadOptions): OmeroFsConfig {
  const r = loadConfig(opts);
  if (!r.config || r.problems.length) throw new ConfigError(r.problems);
  return r.config;
}
