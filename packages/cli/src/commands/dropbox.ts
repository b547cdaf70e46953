import { loadConfigOrThrow } from "@omero-fs/config";
import { DropBoxMethodResults, type DropBoxResultOf } from "@omero-fs/protocol";
import { ControlCallError, curveNoAnswer, localControlClient } from "@omero-fs/protocol/zmq";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError, UsageError } from "../errors";
import { backupLedger, checkLedger, importExisting } from "./dropbox-ledger";

interface DropBoxArgs extends GlobalArgs {
  action?: "scan" | "sync" | "import-existing" | "check-ledger" | "backup";
  path?: string;
  quiet?: boolean;
  json?: boolean;
  force?: boolean;
}

/** Call a running DropBox's control socket; "not running" is one plain line and exit 1. */
async function callRunning<M extends "scan" | "sync">(
  home: string,
  method: M,
  timeoutMs: number,
): Promise<DropBoxResultOf<M>> {
  const endpoint = loadConfigOrThrow({ home }).global.dropboxControl;
  const client = localControlClient(home, endpoint);
  try {
    try {
      await client.call("ping", {}, DropBoxMethodResults.ping, 700);
    } catch {
      // Over CURVE a key the server does not accept gets the same silence as a server that is down.
      const curve = endpoint.startsWith("tcp://")
        ? `; or ${curveNoAnswer("etc/curve/server.key (changed since it started?)")}`
        : "";
      throw new CliError(
        `DropBox is not running for home ${home} (start it with \`omero-fs admin start\` or \`omero-fs dropbox\`)${curve}`,
      );
    }
    return await client.callMethod(DropBoxMethodResults, method, {}, timeoutMs);
  } catch (e) {
    if (e instanceof ControlCallError) throw new CliError(`dropbox ${method}: ${e.message}`);
    throw e;
  } finally {
    client.close();
  }
}

/** `omero-fs dropbox`: run the DropBox in the foreground; `dropbox scan|sync`: ask the running one. */
export const dropboxCommand: CommandModule<GlobalArgs, DropBoxArgs> = {
  command: "dropbox [action] [path]",
  describe:
    "Run the DropBox in the foreground; `scan`: rescan every watch now; `sync`: return once every file changed before it is in the ledger; `import-existing [PATH]`: import the files that were already there at the first walk (all, or those under PATH); `check-ledger`: check var/db/dropbox.sqlite and say how to recover; `backup FILE`: a consistent copy of the ledger (the way to back it up)",
  builder: (y) =>
    y
      .positional("action", {
        type: "string",
        choices: ["scan", "sync", "import-existing", "check-ledger", "backup"] as const,
      })
      .positional("path", {
        type: "string",
        describe: "import-existing: a file or folder under a watch folder; backup: the file to write",
      })
      .option("force", { type: "boolean", describe: "backup: replace FILE if it exists" })
      .option("quiet", { type: "boolean", describe: "foreground run: log to the file only, not to stderr" })
      .option("json", {
        type: "boolean",
        describe: "scan/sync/import-existing/check-ledger: print the result as JSON",
      }),
  handler: async (args) => {
    const home = homeOf(args);
    if (args.path !== undefined && args.action !== "import-existing" && args.action !== "backup")
      throw new UsageError(`dropbox ${args.action ?? ""}: unexpected argument ${args.path}`);
    if (args.action === "import-existing") return importExisting(home, args.path, !!args.json);
    if (args.action === "backup") {
      if (args.path === undefined)
        throw new UsageError(
          "dropbox backup: give the file to write, e.g. omero-fs dropbox backup /backup/dropbox.sqlite",
        );
      return backupLedger(home, args.path, !!args.force, !!args.json);
    }
    if (args.action === "check-ledger") return checkLedger(home, !!args.json);
    if (args.action === "scan" || args.action === "sync") {
      // A scan walks every tree (100,000 files: seconds); a sync waits for the MonitorServer's barrier.
      if (args.action === "scan") {
        const r = await callRunning(home, "scan", 600_000);
        process.stdout.write(
          args.json ? `${JSON.stringify(r)}\n` : `scan: ${r.discovered} new, changed or deleted file(s) found\n`,
        );
      } else {
        const r = await callRunning(home, "sync", 120_000);
        process.stdout.write(
          args.json ? `${JSON.stringify(r)}\n` : `sync: done; the ledger knows ${r.files} file(s)\n`,
        );
      }
      return;
    }
    // Runs until SIGTERM/SIGINT (stop within 10 s, exit 0); a start failure is one line and exit 1.
    // Loaded here: `dropbox scan|sync` need none of the server.
    const { dropboxMain } = require("@omero-fs/dropbox") as typeof import("@omero-fs/dropbox");
    await dropboxMain(home, !args.quiet);
    await new Promise<never>(() => undefined);
  },
};
