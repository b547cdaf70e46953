/**
 * The fault-injection soak (issue 19) in its short form: scripts/soak for 45 s of stream with a
 * stream of ~300 files (about 75 s in all on the 2-core machine), the local importer. The seed is
 * SOAK_SEED when set (`random`: drawn at random and printed), else 1919, so CI runs one stream it can
 * replay; a failure is replayed by hand with the command the soak prints (`scripts/soak --seed N ...`).
 * Other seeds are for hand runs (what they found: scripts/soak.d/README.md). The long form:
 * `scripts/soak --minutes 10`.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/wait";

jest.setTimeout(300_000);

const SOAK = path.join(REPO_ROOT, "scripts", "soak");

test("soak: mixed layouts and copy tools under kill -9, disk-full windows and stalls; nothing lost, doubled or half", async () => {
  const asked = process.env.SOAK_SEED ?? "1919";
  const seed = asked === "random" ? String(Math.floor(Math.random() * 2 ** 31)) : asked;
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(
      process.execPath,
      [SOAK, "--seconds", "45", "--files", "300", "--seed", seed],
      { timeout: 280_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, out: `${stdout}${stderr}` }),
    );
  });
  // The soak's report, kept for a look at a slow or odd run (test/output/ is not committed).
  fs.mkdirSync(path.join(REPO_ROOT, "test", "output"), { recursive: true });
  fs.writeFileSync(path.join(REPO_ROOT, "test", "output", "soak.txt"), r.out);
  if (r.code !== 0) throw new Error(`scripts/soak exited ${r.code} (seed ${seed}):\n${r.out}`);
  expect(r.out).toMatch(/^ {2}lost +0$/m);
  expect(r.out).toMatch(/^ {2}doubled +0$/m);
  expect(r.out).toMatch(/^ {2}held without a reason +0$/m);
  expect(r.out).toMatch(/^passed \(seed \d+\)/m);
});
