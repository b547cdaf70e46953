import type { z } from "zod";

/**
 * Test hooks: the one style (docs/ARCHITECTURE.md, "Test hooks"). A hook is an environment
 * variable named `OMERO_FS_TEST_<NAME>`, read once where a process resolves its options, by one
 * of these functions. Unset or empty means "not set". A bad value throws a TestHookError naming
 * the variable, the value and what is allowed: a test that mistypes a hook fails loudly instead
 * of running with production delays. Operators never need them. Pure (the env is an argument).
 */

export const TEST_HOOK_PREFIX = "OMERO_FS_TEST_";

export class TestHookError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = "TestHookError";
  }
}

type Env = Record<string, string | undefined>;

function rawOf(env: Env, name: string): string | undefined {
  if (!name.startsWith(TEST_HOOK_PREFIX)) throw new Error(`test hook ${name} must be named ${TEST_HOOK_PREFIX}<NAME>`);
  const raw = env[name];
  return raw === undefined || raw === "" ? undefined : raw;
}

function bad(name: string, raw: string, allowed: string): TestHookError {
  return new TestHookError(
    name,
    `${name}=${JSON.stringify(raw)} is not allowed: expected ${allowed} (test hook, see docs/ARCHITECTURE.md "Test hooks")`,
  );
}

/** A number hook (milliseconds, counts): `dflt` when unset. */
export function testHookNumber(
  env: Env,
  name: string,
  dflt: number,
  opts: { min?: number; integer?: boolean } = {},
): number {
  const raw = rawOf(env, name);
  if (raw === undefined) return dflt;
  const min = opts.min ?? 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (opts.integer && !Number.isInteger(n))) {
    throw bad(name, raw, `${opts.integer ? "an integer" : "a number"} >= ${min}`);
  }
  return n;
}

/** A JSON hook validated by a zod schema; `allowed` says what the value must be, for the error. */
export function testHookJson<T>(env: Env, name: string, schema: z.ZodType<T>, allowed: string): T | undefined {
  const raw = rawOf(env, name);
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad(name, raw, allowed);
  }
  const r = schema.safeParse(value);
  if (!r.success) throw bad(name, raw, allowed);
  return r.data;
}
