import type { CommandModule } from "yargs";
import { CliError } from "../errors";

// Placeholder until its owner lands it.
export const configCommand: CommandModule = {
  command: "config",
  describe: "(not yet implemented)",
  handler: () => {
    throw new CliError("config: not implemented yet");
  },
};
