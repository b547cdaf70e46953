/** GET /: gather what the status page shows (ledger, servers, the DropBox's status), then render it. */
import * as fs from "node:fs";
import type { LedgerView } from "@omero-fs/dropbox/ledger";
import { IMPORT_STATES } from "@omero-fs/protocol";
import { healthItems } from "../../core/status-health";
import { summarize } from "../../core/stuck";
import type { HttpDeps } from "./deps";
import type { Attention, PageData } from "./page-common";
import { renderPage } from "./page";

/** How often the page reloads its content (OMERO_FS_TEST_HTTP_REFRESH_S: a test hook). */
const REFRESH_SECONDS =
  Number(process.env.OMERO_FS_TEST_HTTP_REFRESH_S) > 0 ? Number(process.env.OMERO_FS_TEST_HTTP_REFRESH_S) : 10;

/** Stuck filesets listed on the page (the count says how many there are). */
const STUCK_SHOWN = 10;

const EMPTY: PageData = {
  users: [],
  active: [],
  failed: [],
  imported: [],
  totals: [],
  files: [],
  ignored: [],
  refused: [],
};

/** The node's start (ms), for the health bar. */
const NODE_STARTED_MS = Date.now() - process.uptime() * 1000;

function attentionOf(view: LedgerView, deps: HttpDeps, now: number, omeroPaused: boolean): Attention {
  const s = summarize(view.pending(), deps.rules(), now, view.lastRunMs(), omeroPaused);
  const stuck = view
    .pageFilesets(s.stuckIds.slice(0, STUCK_SHOWN))
    .map((f) => ({ f, overdueMs: s.overdueMs.get(f.id) ?? 0 }));
  const oldest = s.oldestWaitingId === null ? null : (view.pageFilesets([s.oldestWaitingId])[0] ?? null);
  return { stuck, stuckTotal: s.stuck, oldestWaiting: oldest };
}

export async function statusPage(
  deps: HttpDeps,
  view: LedgerView | null,
  url: URL,
  nonce: string,
  watchDirs: string[],
  quietSeconds: number[],
): Promise<string> {
  const { config } = deps;
  const q = (url.searchParams.get("q") ?? "").slice(0, 200);
  const state = url.searchParams.get("state");
  const user = url.searchParams.get("user");
  const now = Date.now();
  const data = view ? view.page({ q }) : EMPTY;
  const status = await deps.dropboxStatus().catch(() => undefined);
  const health = healthItems(
    {
      node: { pid: process.pid, startedMs: NODE_STARTED_MS },
      servers: deps.servers(),
      importer: config.global.importer,
      omero: status?.omero,
      ledger: { path: deps.ledgerFile, exists: fs.existsSync(deps.ledgerFile) },
      checks: deps.checks(),
      watches: config.watches.map((w) => ({ n: w.index + 1, user: w.user, watchDir: w.watchDir })),
      remote: status?.remoteMonitors ?? [],
    },
    now,
  );
  return renderPage({
    data,
    q,
    filter: {
      state: state && (IMPORT_STATES as readonly string[]).includes(state) ? state : null,
      user: user && data.users.includes(user) ? user : null,
    },
    allUsers: data.users,
    now,
    watchDirs,
    quietSeconds,
    refreshSeconds: REFRESH_SECONDS,
    nonce,
    remote: status?.remoteMonitors,
    health,
    webUrl: config.global.webUrl,
    attention: view ? attentionOf(view, deps, now, status?.omero?.up === false) : undefined,
    omeroPaused: status?.omero?.up === false,
  });
}
