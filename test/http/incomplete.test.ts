/**
 * An incomplete plate under a real node (issue 10): the webhook gets one `import.incomplete` (notified
 * like a failure, with the default notifyOn=failed), /metrics counts it as
 * `omerofs_filesets{state="incomplete"}`, and the status page shows it as a plate with what to do.
 * A file that stays cut (issue 19) is notified and shown the same way, with what is wrong with it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { makeNd2 } from "../../packages/readers/src/complete/__fixtures__/make";
import { makeHome, type TestHome } from "../cli/harness";
import { metaxpressPlate, writeLayout } from "../fixtures/layouts";
import { waitFor } from "../helpers/wait";
import { baseUrl, FAST_ENV, parseMetrics } from "./helpers";
import { type Webhook, webhook } from "./receivers";

jest.setTimeout(120_000);

let home: TestHome;
let hook: Webhook;

beforeAll(async () => {
  hook = await webhook();
  home = makeHome({
    prefix: "omero-fs-inc-",
    config: {
      "omero.fs.dirImportWait": "1",
      "omero.fs.settleTime": "0.5",
      "omero.fs.incompleteWait": "1",
      "omero.fs.throttleImport": "0",
      "omero.fs.rescanInterval": "0",
      "omero.fs.importer": "local",
      "omero.fs.httpAddress": "127.0.0.1:0",
      "omero.fs.notifyWebhook": hook.url,
    },
    env: FAST_ENV,
  });
  const start = await home.cli(["admin", "start"]);
  if (start.code !== 0) throw new Error(`admin start: ${start.stdout}${start.stderr}`);
});

afterAll(async () => {
  home?.cleanup();
  await hook?.close();
});

test("one import.incomplete notification, the incomplete gauge, the plate on the status page", async () => {
  const fx = metaxpressPlate({ plate: "N", wells: ["A01", "A02", "A03", "A04"] });
  const dir = path.join(home.dir, "data", "DropBox", "amy", "plate N");
  // Written beside the DropBox and moved in whole (one rename): the DropBox sees the three files
  // at once, however late a loaded machine delivers each file's event (they were judged apart).
  const staging = path.join(home.dir, "staging", "plate N");
  await writeLayout(fx, staging, { limit: 3 });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.renameSync(staging, dir);
  await waitFor(() => (hook.received.length > 0 ? true : null), "an import.incomplete webhook call", {
    timeoutMs: 60_000,
  });
  const got = hook.received[0] as unknown as {
    event: string;
    fileset: { id: number; state: string; entry: string; waitingFor: string; plate: { presentImages: number } };
  };
  expect(got.event).toBe("import.incomplete");
  expect(got.fileset).toMatchObject({
    state: "incomplete",
    entry: path.join(dir, "N.HTD"),
    plate: { presentImages: 2 },
  });
  expect(got.fileset.waitingFor).toMatch(/^MetaXpress plate N: 2 of 4 images; missing: N_A03_w1\.TIF, N_A04_w1\.TIF; /);
  const base = baseUrl(home);
  const metrics = parseMetrics(await (await fetch(`${base}/metrics`)).text());
  expect(metrics.get('omerofs_filesets{state="incomplete"}')).toBe(1);
  const page = await (await fetch(`${base}/`)).text();
  expect(page).toContain("Incomplete (not imported half: files missing, cut or empty)");
  expect(page).toContain("MetaXpress plate N: 4 wells x 1 field x 1 channel: 2 of 4 images");
  expect(page).toContain(`omero-fs imports release ${got.fileset.id}`);
  // Notified once, not on every poll.
  await new Promise((r) => setTimeout(r, 1000));
  expect(hook.received.map((x) => x.event)).toEqual(["import.incomplete"]);
});

test("a cut ND2 that stays cut (an interrupted cp): import.incomplete with the reason, the page says what is wrong", async () => {
  const p = path.join(home.dir, "data", "DropBox", "amy", "cut", "c.nd2");
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, makeNd2(10, 4000).subarray(0, 17_000));
  type Sent = { event: string; fileset: { id: number; entry: string; waitingFor: string } };
  const got = await waitFor(
    () => (hook.received as unknown as Sent[]).find((x) => x.fileset?.entry === p),
    "an import.incomplete webhook call for c.nd2",
    { timeoutMs: 60_000 },
  );
  expect(got.event).toBe("import.incomplete");
  expect(got.fileset.waitingFor).toMatch(
    /^c\.nd2: ND2 incomplete: no chunk map at its end .*not imported half; copy it again, or import it as it is with omero-fs imports release \d+$/,
  );
  const page = await (await fetch(`${baseUrl(home)}/`)).text();
  expect(page).toContain("c.nd2: ND2 incomplete: no chunk map at its end");
  expect(page).toContain(`omero-fs imports release ${got.fileset.id}`);
});
