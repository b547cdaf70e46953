import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/wait";

/**
 * The systemd units (issue 21): `systemd-analyze security` rates each "OK" or better (exposure
 * below 5), and each runs the binary the package installs (npm's default global prefix), not a
 * checkout.
 */

const UNITS = ["omero-fs.service", "omero-fs-monitor.service"];

for (const unit of UNITS) {
  test(`${unit}: OK or better in systemd-analyze security, paths from the installed package`, () => {
    const file = path.join(REPO_ROOT, "scripts", "systemd", unit);
    const r = spawnSync("systemd-analyze", ["security", "--offline=true", file], { encoding: "utf8" });
    if (r.error)
      throw new Error(`systemd-analyze is not installed (Debian: apt-get install -y systemd): ${r.error.message}`);
    const m = /Overall exposure level for \S+: (\d+\.\d) (\S+)/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect({ unit, level: m![2], low: Number(m![1]) < 5 }).toEqual({
      unit,
      level: expect.stringMatching(/^(OK|SAFE|PERFECT)$/),
      low: true,
    });
    const text = fs.readFileSync(file, "utf8");
    expect(text).toMatch(/^ExecStart=\/usr\/local\/bin\/omero-fs /m);
    expect(text).not.toMatch(/\/opt\/omero-fs|packages\/cli/);
    // The score the unit's comment quotes is the one measured.
    expect(text).toContain(`${m![1]} OK`);
  });
}
