import * as fs from "node:fs";
import * as path from "node:path";
import { logShows, makeHome, readLog, type TestHome } from "../cli/harness";
import { waitFor } from "../helpers/wait";
import { baseUrl, drop, execConfig, FAST_ENV, parseMetrics, waitFinished } from "./helpers";
import { deadPort, type Webhook, webhook } from "./receivers";

/** Notification receivers that hang or are down, the token rule, and old history on a first start. */

jest.setTimeout(180_000);

let home: TestHome | null = null;
const hooks: Webhook[] = [];
afterEach(async () => {
  home?.cleanup();
  home = null;
  for (const h of hooks.splice(0)) await h.close();
});

test("a webhook that hangs and a mail server that is down slow no import; delivery resumes when the receiver is back", async () => {
  const hung = await webhook({ hold: true });
  hooks.push(hung);
  const smtpPort = await deadPort();
  home = makeHome({
    prefix: "omero-fs-http-down-",
    config: execConfig({
      "omero.fs.notifyWebhook": hung.url,
      "omero.fs.notifySmtp": `smtp://127.0.0.1:${smtpPort}`,
      "omero.fs.notifyEmail": "facility@example.org",
    }),
    env: FAST_ENV,
  });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const first = drop(home, "amy", ["bad-1.fake"]);
  await waitFinished(home, first);
  await waitFor(() => hung.open === 1, "the webhook to hold the first notification");
  // While that request hangs (and the mail server refuses), more files are imported as usual.
  const more = [...drop(home, "amy", ["a.fake", "b.fake", "bad-2.fake"]), ...drop(home, "zak", ["c.fake"])];
  const list = await waitFinished(home, more);
  expect(list.filter((i) => i.state === "imported")).toHaveLength(3);
  // Nothing was delivered meanwhile: the webhook channel is still on its first notification
  // (held, or retried after the 10 s send timeout), the mail server refused every try.
  expect(hung.received.every((x) => x.fileset.files[0] === first[0])).toBe(true);
  const metrics = async () => parseMetrics(await (await fetch(`${baseUrl(home!)}/metrics`)).text());
  await waitFor(
    async () => {
      const m = await metrics();
      return (
        m.get('omerofs_notifications_pending{channel="email"}') === 2 &&
        m.get('omerofs_notifications_pending{channel="webhook"}') === 2 &&
        (m.get('omerofs_notification_failures_total{channel="email"}') ?? 0) >= 3
      );
    },
    "2 notifications pending per channel and 3 failed e-mail tries",
    { timeoutMs: 30_000 },
  );
  expect((await metrics()).get('omerofs_filesets{state="failed"}')).toBe(2);
  // The mail server being down is logged once, however often it is retried.
  const unreachable = /notifications: e-mail to facility@example.org via smtp:\/\/127\.0\.0\.1:\d+ cannot be reached/g;
  await logShows(home.dir, "Node", unreachable);
  expect(readLog(home.dir, "Node").match(unreachable)).toHaveLength(1);

  // The receiver back on the same port: both failures are delivered, once each.
  await hung.close();
  hooks.splice(0);
  const back = await webhook({ port: hung.port });
  hooks.push(back);
  await waitFor(() => back.received.length >= 2, "the notifications after the receiver came back", {
    timeoutMs: 60_000,
  });
  expect(back.received.map((x) => x.fileset.files[0]).sort()).toEqual(
    [first[0], path.join(home.dir, "data", "DropBox", "amy", "bad-2.fake")].sort(),
  );
});

test("a first start on an existing ledger does not notify old failures; new ones are, and imports with notifyOn=all", async () => {
  home = makeHome({ prefix: "omero-fs-http-hist-", config: execConfig(), env: FAST_ENV });
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  const old = drop(home, "amy", ["bad-old.fake"]);
  await waitFinished(home, old);
  expect((await home.cli(["admin", "stop"])).code).toBe(0);
  // The notify cursor exists now (the node keeps it even with no channel): remove it to play a
  // node that never ran the notifier on this ledger.
  fs.rmSync(path.join(home.dir, "var", "db", "notify.sqlite"), { force: true });
  const hook = await webhook();
  hooks.push(hook);
  const configFile = path.join(home.dir, "etc", "config.json");
  fs.writeFileSync(
    configFile,
    JSON.stringify({ ...execConfig(), "omero.fs.notifyWebhook": hook.url, "omero.fs.notifyOn": "all" }),
  );
  expect((await home.cli(["admin", "start"])).code).toBe(0);
  await waitFor(() => /starting after import run 1 /.test(readLog(home!.dir, "Node")), "the notifier's first cursor");
  const fresh = drop(home, "amy", ["bad-new.fake"]);
  await waitFinished(home, fresh);
  const ok = drop(home, "amy", ["good-new.fake"]);
  await waitFinished(home, ok);
  await waitFor(() => hook.received.length >= 2, "the new failure's and import's notifications");
  expect(hook.received.map((x) => [x.event, x.fileset.files[0]])).toEqual([
    ["import.failed", fresh[0]],
    ["import.succeeded", ok[0]],
  ]);
});

test("HTTP on a non-loopback address without omero.fs.httpToken: the node refuses to start", async () => {
  // The environment, since the harness sets OMERO_FS_HTTP_ADDRESS (which beats config.json).
  home = makeHome({ prefix: "omero-fs-http-tok-", config: execConfig(), env: { OMERO_FS_HTTP_ADDRESS: "0.0.0.0:0" } });
  const r = await home.cli(["admin", "start"]);
  expect(r.code).not.toBe(0);
  expect(`${r.stdout}${r.stderr}`).toContain(
    "omero.fs.httpAddress: 0.0.0.0:0 is reachable from other machines, so it needs omero.fs.httpToken",
  );
  expect((await home.cli(["admin", "status"])).code).toBe(3);
  const check = await home.cli(["config", "check"]);
  expect(check.code).toBe(1);
  expect(check.stdout + check.stderr).toContain("omero.fs.httpToken");
});

test("with a token: requests without it get 401, with it 200; a browser link sets a cookie", async () => {
  home = makeHome({
    prefix: "omero-fs-http-tok2-",
    config: execConfig(),
    env: { OMERO_FS_HTTP_ADDRESS: "0.0.0.0:0", OMERO_FS_HTTP_TOKEN: "s3cret token" },
  });
  const r = await home.cli(["admin", "start"]);
  expect(r.code).toBe(0);
  expect(baseUrl(home)).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
  const port = baseUrl(home).split(":").pop();
  const url = `http://127.0.0.1:${port}`;
  expect((await fetch(`${url}/metrics`)).status).toBe(401);
  expect((await fetch(`${url}/api/imports`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
  expect((await fetch(`${url}/api/imports`, { headers: { authorization: "Bearer s3cret token" } })).status).toBe(200);
  const link = await fetch(`${url}/?token=${encodeURIComponent("s3cret token")}`, { redirect: "manual" });
  expect(link.status).toBe(303);
  const cookie = link.headers.get("set-cookie")!.split(";")[0]!;
  expect(link.headers.get("set-cookie")).toContain("HttpOnly");
  expect((await fetch(`${url}/`, { headers: { cookie } })).status).toBe(200);
});
