import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Poll `check` until it returns a truthy value; fail with `what` after the deadline. Never a fixed sleep. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  { timeoutMs = 15000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A fresh temporary directory (real disk), removed by the returned cleanup. */
export function tempDir(prefix = "omero-fs-test-"): { dir: string; cleanup: () => void } {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Repository root (for spawning the compiled CLI). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const CLI_BIN = path.join(REPO_ROOT, "packages", "cli", "bin", "omero-fs.js");
