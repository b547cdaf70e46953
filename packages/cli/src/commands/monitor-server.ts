import { runMonitorServer } from "@omero-fs/monitor";
import type { CommandModule } from "yargs";
import { type GlobalArgs, homeOf } from "../context";
import { CliError } from "../errors";

/** `omero-fs monitor-server`: run the MonitorServer in the foreground until SIGTERM/SIGINT. */
export const monitorServerCommand: CommandModule<GlobalArgs, GlobalArgs & { quiet?: boolean }> = {
  command: "monitor-server",
  describe: "Run the MonitorServer in the foreground (logs to var/log/MonitorServer.log and stderr)",
  builder: (y) => y.option("quiet", { type: "boolean", describe: "log to the file only, not to stderr" }),
  handler: async (args) => {
    try {
      await runMonitorServer({ home: homeOf(args), console: !args.quiet });
    } catch (e) {
      throw new CliError(`monitor-server: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
    // Serve until a signal handler (installed by runMonitorServer) exits the process.
    await new Promise<never>(() => undefined);
  },
};
