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

/**
 * Wait until the text `read` returns (a log) shows `pattern`; on timeout the error carries the text.
 * For log files, which the servers write behind the state they report (winston's stream).
 */
export function waitShows(
  read: () => string,
  pattern: string | RegExp,
  what: string,
  timeoutMs?: number,
): Promise<true> {
  // search(), not test(): a /g pattern's lastIndex would make test() skip a match on the next poll.
  const shows = (text: string) => (typeof pattern === "string" ? text.includes(pattern) : text.search(pattern) >= 0);
  return waitFor(() => shows(read()) || null, `${what} to show ${String(pattern)}`, { timeoutMs }).catch((e: Error) => {
    throw new Error(`${e.message}\n${read()}`);
  });
}

/** A fresh temporary directory (real disk), removed by the returned cleanup. */
export function tempDir(prefix = "omero-fs-test-"): { dir: string; cleanup: () => void } {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return { dir, cleanup: () => removeTree(dir) };
}

/**
 * rm -rf. fs.rmSync recurses in JavaScript and overflows the stack on a tree thousands of levels
 * deep (the deep-folder tests): then the tree is removed with an explicit stack, deepest first.
 */
export function removeTree(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  } catch (e) {
    // By name: under jest the error comes from another realm than its RangeError.
    if ((e as Error).name !== "RangeError") throw e;
  }
  const order: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    order.push(d);
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else fs.rmSync(p, { force: true });
    }
  }
  for (let i = order.length - 1; i >= 0; i--) fs.rmdirSync(order[i]!);
}

/** Repository root (for spawning the compiled CLI). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const CLI_BIN = path.join(REPO_ROOT, "packages", "cli", "bin", "omero-fs.js");
