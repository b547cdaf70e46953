import { spawnSync } from "node:child_process";

/**
 * Run Prometheus' promtool (Debian's `prometheus` package; .ci/run installs it). Missing, it fails
 * the test with how to get it rather than skipping: the checks are part of the test command.
 */
export function promtool(args: string[], input?: string): { code: number | null; out: string } {
  const r = spawnSync("promtool", args, { input, encoding: "utf8", timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT")
    throw new Error(
      "promtool is not installed: install Debian's prometheus package (apt-get install -y prometheus), as .ci/run does",
    );
  return { code: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}
