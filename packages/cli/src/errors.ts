/** Exit code of a usage error (a wrong command, option or argument), as argparse and GNU tools. */
export const EXIT_USAGE = 2;

/** A user-facing CLI failure: one clear line (first line of the message) and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly code = "CLI_ERROR",
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The command line itself is wrong (an unknown state, an id that is not a number): exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE, "USAGE");
    this.name = "UsageError";
  }
}
