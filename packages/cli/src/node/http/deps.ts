/** What the node's HTTP server reads (its own module: server.ts and status-page.ts both use it). */
import type { Logger, OmeroFsConfig } from "@omero-fs/config";
import type { LedgerView } from "@omero-fs/dropbox/ledger";
import type { WaitRules } from "../../core/stuck";
import type { NodeServerStatus } from "../methods";
import type { DropBoxStatusBits } from "../remote-monitors";
import type { Metrics } from "./metrics";

export interface HttpDeps {
  config: OmeroFsConfig;
  logger: Logger;
  /** The ledger view, or null while no DropBox has created the ledger. */
  view: () => LedgerView | null;
  ledgerFile: string;
  metrics: Metrics;
  /** The servers as the supervisor sees them (the health bar). */
  servers: () => NodeServerStatus[];
  /** The DropBox's problems by key (`ledger`, `watch:N`) while it runs, else null. */
  checks: () => Record<string, string> | null;
  /** The DropBox's status (remote MonitorServers, OMERO); undefined: not running or no answer. */
  dropboxStatus: () => Promise<DropBoxStatusBits | undefined>;
  /** The configured waits (stuck versus waiting). */
  rules: () => WaitRules;
}
