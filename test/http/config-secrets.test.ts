import { spawnSync } from "node:child_process";
import { CLI_BIN, tempDir } from "../helpers/wait";

/** omero.fs.httpToken is a secret: `config list` and `config check` say it is set, only `get` prints it. */
test("config list and check hide omero.fs.httpToken; get prints it", () => {
  const t = tempDir("omero-fs-secret-");
  try {
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OMERO_FS_"))),
      OMERO_FS_HTTP_TOKEN: "t0p-s3cret",
    };
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [CLI_BIN, "--home", t.dir, "config", ...args], { encoding: "utf8", env });
    for (const args of [["list"], ["list", "--json"], ["check"], ["check", "--json"]]) {
      const r = cli(args);
      expect(r.status).toBe(0);
      expect(r.stdout).not.toContain("t0p-s3cret");
      expect(r.stdout).toContain("(set, hidden)");
    }
    expect(cli(["get", "httpToken"]).stdout).toBe("t0p-s3cret\n");
  } finally {
    t.cleanup();
  }
});
