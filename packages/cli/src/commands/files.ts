import type { CommandModule } from "yargs";
import { CliError } from "../errors";

// Placeholder until its owner lands it.
export const filesCommand: CommandModule = {
  command: "files",
  describe: "(not yet implemented)",
  handler: () => {
    throw new CliError("files: not implemented yet");
  },
};
