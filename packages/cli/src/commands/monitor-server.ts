import type { CommandModule } from "yargs";
import { CliError } from "../errors";

// Placeholder until its owner lands it.
export const monitorServerCommand: CommandModule = {
  command: "monitor-server",
  describe: "(not yet implemented)",
  handler: () => {
    throw new CliError("monitor-server: not implemented yet");
  },
};
