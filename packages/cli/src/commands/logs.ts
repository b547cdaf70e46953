import type { CommandModule } from "yargs";
import { CliError } from "../errors";

// Placeholder until its owner lands it.
export const logsCommand: CommandModule = {
  command: "logs",
  describe: "(not yet implemented)",
  handler: () => {
    throw new CliError("logs: not implemented yet");
  },
};
