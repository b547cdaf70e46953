/** `omero-fs curve keygen`: key files, modes, refusals, --force, --json. */
import * as fs from "node:fs";
import * as path from "node:path";
import { curvePublicKeyOf, parseKeyFile } from "@omero-fs/protocol";
import { jsonOf, makeHome, type TestHome } from "./harness";

jest.setTimeout(60_000);

let home: TestHome;
afterEach(() => home?.cleanup());

test("writes NAME.key (0600) and NAME.pub, a matching pair, and says where each goes", async () => {
  home = makeHome();
  const r = await home.cli(["curve", "keygen", "server"]);
  expect(r).toMatchObject({ code: 0, stderr: "" });
  const dir = path.join(home.dir, "etc", "curve");
  const keyFile = path.join(dir, "server.key");
  const pubFile = path.join(dir, "server.pub");
  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  const secret = fs.readFileSync(keyFile, "utf8");
  const pub = fs.readFileSync(pubFile, "utf8");
  expect(secret).toMatch(/^.{40}\n$/);
  expect(pub).toMatch(/^.{40}\n$/);
  expect(curvePublicKeyOf(parseKeyFile(secret, keyFile, "secret"))).toBe(pub.trim());
  expect(r.stdout).toContain(`wrote ${keyFile}`);
  expect(r.stdout).toContain(`wrote ${pubFile}`);
  expect(r.stdout).toContain(`omero-fs config set omero.fs.monitorServerKey '${pub.trim()}'`);

  const c = await home.cli(["curve", "keygen", "client"]);
  const clientPub = fs.readFileSync(path.join(dir, "client.pub"), "utf8").trim();
  expect(c.stdout).toContain("etc/curve/authorized_keys");
  expect(c.stdout).toMatch(new RegExp(`${clientPub.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} client@`));
});

test("refuses to overwrite without --force; --force replaces; --json; bad names", async () => {
  home = makeHome();
  expect((await home.cli(["curve", "keygen", "dropbox1"])).code).toBe(0);
  const dir = path.join(home.dir, "etc", "curve");
  const before = fs.readFileSync(path.join(dir, "dropbox1.key"), "utf8");
  const again = await home.cli(["curve", "keygen", "dropbox1"]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/dropbox1\.key and .*dropbox1\.pub already exist.*--force/);
  expect(fs.readFileSync(path.join(dir, "dropbox1.key"), "utf8")).toBe(before);

  const forced = await home.cli(["curve", "keygen", "dropbox1", "--force", "--json"]);
  expect(forced.code).toBe(0);
  const j = jsonOf(forced) as Record<string, string>;
  expect(j).toEqual({
    name: "dropbox1",
    secretKeyFile: path.join(dir, "dropbox1.key"),
    publicKeyFile: path.join(dir, "dropbox1.pub"),
    publicKey: fs.readFileSync(path.join(dir, "dropbox1.pub"), "utf8").trim(),
  });
  expect(fs.readFileSync(path.join(dir, "dropbox1.key"), "utf8")).not.toBe(before);
  expect(fs.readdirSync(dir).sort()).toEqual(["dropbox1.key", "dropbox1.pub"]);

  for (const bad of ["../x", "authorized_keys", ".hidden"]) {
    const r = await home.cli(["curve", "keygen", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^omero-fs: curve keygen: /);
  }
});
