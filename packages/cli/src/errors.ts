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
