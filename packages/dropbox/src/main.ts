/** `node packages/dropbox/dist/main.js [--home DIR] [--console]`: the DropBox process on its own. */
import { resolveHome } from "@omero-fs/config";
import { EXIT_NEEDS_ADMIN } from "@omero-fs/protocol";
import { ledgerWriteFailure } from "./core/ledger-health";
import { LedgerError } from "./ledger/schema";
import { runDropBox } from "./server";

/** Run a DropBox in this process until SIGTERM/SIGINT, then exit 0 (1 when it cannot start, EXIT_NEEDS_ADMIN when it cannot until someone acts). */
export async function dropboxMain(home: string, consoleLog: boolean): Promise<void> {
  let handle: Awaited<ReturnType<typeof runDropBox>> | null = null;
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    // Still starting (e.g. waiting for the MonitorServer): nothing is in flight yet.
    if (!handle) process.exit(0);
    // Hard deadline: the supervisor expects an exit within 10 s of SIGTERM.
    setTimeout(() => {
      process.stderr.write(`omero-fs dropbox: ${sig}: stop took too long, exiting\n`);
      process.exit(0);
    }, 9500).unref();
    handle.stop().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("disconnect", () => stop("disconnect"));
  // A ledger task that failed because the ledger cannot be written (disk full, read-only) is
  // handled where it failed (the DropBox shows itself degraded and rescans later); a caller that
  // does not wait for that task must not crash the process. Anything else still does.
  process.on("unhandledRejection", (e) => {
    if (ledgerWriteFailure((e as { code?: string } | null)?.code)) return;
    process.stderr.write(`omero-fs dropbox: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
  try {
    handle = await runDropBox({
      home,
      console: consoleLog,
      onFatal: (message) => {
        process.stderr.write(`omero-fs dropbox: ${message}\n`);
        if (stopping) return;
        stopping = true;
        const exit = () => process.exit(EXIT_NEEDS_ADMIN);
        setTimeout(exit, 9500).unref();
        (handle ? handle.stop() : Promise.resolve()).then(exit, exit);
      },
    });
  } catch (e) {
    process.stderr.write(`omero-fs dropbox: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}\n`);
    // A damaged or newer ledger stays so until someone acts: not worth a restart.
    const permanent = e instanceof LedgerError && (e.code === "LEDGER_CORRUPT" || e.code === "LEDGER_NEWER");
    process.exit(permanent ? EXIT_NEEDS_ADMIN : 1);
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--home");
  const home = resolveHome(i >= 0 ? args[i + 1] : undefined);
  void dropboxMain(home, args.includes("--console"));
}
