import * as fs from "node:fs";
import * as path from "node:path";
import { jsonOf, logShows, makeHome, readLog, type TestHome } from "../cli/harness";
import { homeStatus } from "../helpers/home";
import { waitFor } from "../helpers/wait";
import { baseUrl, drop, execConfig, FAST_ENV, waitFinished } from "./helpers";
import { deadPort, type Webhook, webhook } from "./receivers";

/**
 * `omero-fs admin reload` of what the node itself runs (issue 12): the notification webhook, the
 * HTTP token and the log level change without restarting any process.
 */

jest.setTimeout(180_000);

let home: TestHome;
const hooks: Webhook[] = [];
afterEach(async () => {
  home?.cleanup();
  for (const h of hooks.splice(0)) await h.close();
});

async function pids(h: TestHome): Promise<Record<string, number | null>> {
  const s = await homeStatus(h.dir);
  return Object.fromEntries([["node", s.node.pid], ...s.servers.map((x) => [x.name, x.pid])]);
}

test("reload: a new notifyWebhook gets the next failure (the old one nothing more), httpToken and logLevel apply; pids unchanged", async () => {
  const first = await webhook();
  const second = await webhook();
  hooks.push(first, second);
  const config = execConfig({ "omero.fs.notifyWebhook": first.url });
  home = makeHome({ prefix: "omero-fs-http-reload-", config, env: FAST_ENV });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const before = await pids(home);
  const one = drop(home, "amy", ["bad-1.fake"]);
  await waitFinished(home, one);
  await waitFor(() => first.received.length >= 1, "the first webhook's notification", { timeoutMs: 30_000 });
  expect((await fetch(`${baseUrl(home)}/api/imports`)).status).toBe(200);

  fs.writeFileSync(
    path.join(home.dir, "etc", "config.json"),
    JSON.stringify({
      ...config,
      "omero.fs.notifyWebhook": second.url,
      "omero.fs.httpToken": "s3cret",
      "omero.fs.logLevel": "debug",
    }),
  );
  const r = await home.cli(["admin", "reload", "--json"]);
  expect(r.code).toBe(0);
  const j = jsonOf(r) as { applied: string[]; restart: string[] };
  expect(j.applied.sort()).toEqual(["omero.fs.httpToken", "omero.fs.logLevel", "omero.fs.notifyWebhook"]);
  expect(j.restart).toEqual([]);

  const two = drop(home, "amy", ["bad-2.fake"]);
  await waitFinished(home, two);
  await waitFor(() => second.received.length >= 1, "the second webhook's notification", { timeoutMs: 30_000 });
  expect(second.received.map((x) => x.fileset.files)).toEqual([two]);
  expect(first.received.map((x) => x.fileset.files)).toEqual([one]);

  // The token now guards the API (the listener was bound anew: read its address again).
  const base = baseUrl(home);
  expect((await fetch(`${base}/api/imports`)).status).toBe(401);
  expect((await fetch(`${base}/api/imports`, { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);

  // Every process logs at debug now.
  await waitFor(
    () => readLog(home.dir, "MonitorServer").includes("SIGHUP: log level info -> debug"),
    "the MonitorServer's new log level",
  );
  await logShows(home.dir, "DropBox", "reload: log level info -> debug");
  await logShows(home.dir, "Node", "reload: log level info -> debug");
  expect(await pids(home)).toEqual(before);
});

test("reload: a new httpAddress is bound without a restart; the old one stops answering", async () => {
  const [a, b] = [await deadPort(), await deadPort()];
  const config = execConfig({ "omero.fs.httpAddress": `127.0.0.1:${a}` });
  // The harness's OMERO_FS_HTTP_ADDRESS would win over config.json: without it here.
  home = makeHome({ prefix: "omero-fs-http-addr-", config, env: { ...FAST_ENV, OMERO_FS_HTTP_ADDRESS: undefined } });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const before = await pids(home);
  expect(baseUrl(home)).toBe(`http://127.0.0.1:${a}`);
  expect((await fetch(`http://127.0.0.1:${a}/healthz`)).status).toBe(200);
  fs.writeFileSync(
    path.join(home.dir, "etc", "config.json"),
    JSON.stringify({ ...config, "omero.fs.httpAddress": `127.0.0.1:${b}` }),
  );
  const r = await home.cli(["admin", "reload"]);
  expect(r.stdout).toContain("applied live: omero.fs.httpAddress");
  expect(baseUrl(home)).toBe(`http://127.0.0.1:${b}`);
  expect((await fetch(`http://127.0.0.1:${b}/healthz`)).status).toBe(200);
  await expect(fetch(`http://127.0.0.1:${a}/healthz`)).rejects.toThrow();
  expect(await pids(home)).toEqual(before);
});
