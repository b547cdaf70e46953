import type { CommandModule } from "yargs";
import { CliError } from "../errors";

// Placeholder until its owner lands it.
export const dropboxCommand: CommandModule = {
  command: "dropbox",
  describe: "(not yet implemented)",
  handler: () => {
    throw new CliError("dropbox: not implemented yet");
  },
};
