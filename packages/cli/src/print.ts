import type { ZodType } from "zod";
import { CliError } from "./errors";

/**
 * Print a `--json` document after checking it against its contract (cli-json.ts): a shape that
 * drifted from the contract is our bug, said as such, never printed.
 */
export function printJson<T>(schema: ZodType<T>, value: T, what: string): void {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new CliError(`internal error: ${what} --json does not match its contract: ${r.error.message.split("\n")[0]}`);
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
