/**
 * An incomplete plate under a real node (issue 10): the webhook gets one `import.incomplete` (notified
 * like a failure, with the default notifyOn=failed), /metrics counts it as
 * `omerofs_filesets{state="incomplete"}`, and the status page shows it as a plate with what to do.
 */
import * as path from "node:path";
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
  await writeLayout(fx, dir, { limit: 3 });
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
  expect(page).toContain("Incomplete (not imported: files its index lists never came)");
  expect(page).toContain("MetaXpress plate N: 4 wells x 1 field x 1 channel: 2 of 4 images");
  expect(page).toContain(`omero-fs imports release ${got.fileset.id}`);
  // Notified once, not on every poll.
  await new Promise((r) => setTimeout(r, 1000));
  expect(hook.received.map((x) => x.event)).toEqual(["import.incomplete"]);
});
