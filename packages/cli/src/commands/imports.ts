import type { CommandModule } from "yargs";
import { CliError } from "../errors";

// Placeholder until its owner lands it.
export const importsCommand: CommandModule = {
  command: "imports",
  describe: "(not yet implemented)",
  handler: () => {
    throw new CliError("imports: not implemented yet");
  },
};
