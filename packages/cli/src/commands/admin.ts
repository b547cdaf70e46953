import type { CommandModule } from "yargs";
import { CliError } from "../errors";

// Placeholder until its owner lands it.
export const adminCommand: CommandModule = {
  command: "admin",
  describe: "(not yet implemented)",
  handler: () => {
    throw new CliError("admin: not implemented yet");
  },
};
