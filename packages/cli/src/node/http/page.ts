/**
 * GET /: the status page for the people who drop files. Server-rendered HTML (no build step); a
 * small inline script reloads the content every few seconds. Every name comes from a file system
 * users write to: everything is escaped, and the Content-Security-Policy allows no other script.
 */
import * as path from "node:path";
import type { ledgerShow } from "@omero-fs/dropbox/ledger";
import type { RemoteMonitor } from "@omero-fs/protocol";
import { describeProgress, explainFailure, explainFile, groupPending } from "../../core/explain";

type PageData = ledgerShow.PageData;
type PageFileset = ledgerShow.PageFileset;

export function esc(s: string | number | null | undefined): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageContext {
  data: PageData;
  q: string;
  now: number;
  watchDirs: string[];
  /** dirImportWait of each watch (by index). */
  quietSeconds: number[];
  refreshSeconds: number;
  nonce: string;
  /** The DropBox's MonitorServers on storage hosts (none: the section is left out). */
  remote?: RemoteMonitor[];
}

/** A path as its owner thinks of it: below their own folder. */
function relName(p: string, user: string, watchDirs: string[]): string {
  for (const w of [...watchDirs].sort((a, b) => b.length - a.length)) {
    if (p.startsWith(`${w}/`)) {
      const rest = p.slice(w.length + 1);
      return rest.startsWith(`${user}/`) ? rest.slice(user.length + 1) : rest;
    }
  }
  return path.basename(p);
}

function ago(iso: string | null, now: number): string {
  if (!iso) return "";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  return iso.slice(0, 10);
}

function filesetItem(f: PageFileset, ctx: PageContext, body: string): string {
  return `<li class="fileset ${esc(f.state)}" data-id="${f.id}" data-state="${esc(f.state)}"><span class="name">${esc(
    relName(f.entry, f.user, ctx.watchDirs),
  )}</span> <span class="badge ${esc(f.state)}">${esc(f.state)}</span> ${body} <a class="json" href="/api/imports/${f.id}">import ${f.id}</a></li>`;
}

/** A plate's line (reader's plate format, wells x fields x channels, images found of listed). */
function plateP(f: PageFileset): string {
  return f.plate ? `<p class="plate">${esc(f.plate)}</p>` : "";
}

function userSection(user: string, ctx: PageContext): string {
  const d = ctx.data;
  const mine = <T extends { user: string }>(xs: T[]) => xs.filter((x) => x.user === user);
  const active = mine(d.active).filter((f) => f.state !== "incomplete");
  const incomplete = mine(d.active).filter((f) => f.state === "incomplete");
  const failed = mine(d.failed);
  const imported = mine(d.imported);
  const files = mine(d.files);
  const total = (state: string) => d.totals.find((t) => t.user === user && t.state === state)?.n ?? 0;
  const ignored = d.ignored.find((i) => i.user === user)?.n ?? 0;
  const summary = [
    `${total("waiting")} waiting`,
    `${total("queued")} in line`,
    `${total("importing")} importing`,
    `${total("imported")} imported`,
    `${total("failed")} failed`,
    ...(total("incomplete") > 0 ? [`${total("incomplete")} incomplete`] : []),
  ].join(" · ");
  const out = [
    `<section class="user" data-user="${esc(user)}"><h2>${esc(user || "(no user folder)")}</h2><p class="summary">${esc(summary)}</p>`,
  ];
  if (failed.length) {
    out.push("<h3>Failed</h3><ul>");
    for (const f of failed) {
      const x = explainFailure(f.error);
      out.push(
        filesetItem(
          f,
          ctx,
          `<span class="when">${esc(ago(f.createdAt, ctx.now))}</span><p class="reason">${esc(x.plain)}</p><p class="todo"><b>What to do:</b> ${esc(
            x.todo,
          )}</p>`,
        ),
      );
    }
    out.push("</ul>");
  }
  if (incomplete.length) {
    out.push("<h3>Incomplete (not imported: files its index lists never came)</h3><ul>");
    for (const f of incomplete)
      out.push(
        filesetItem(
          f,
          ctx,
          `${plateP(f)}<p class="reason">${esc(f.waitingFor ?? "")}</p><p class="todo"><b>What to do:</b> copy the missing files into the folder (it then imports by itself), or import it as it is: ${esc(
            `omero-fs imports release ${f.id}`,
          )}</p>`,
        ),
      );
    out.push("</ul>");
  }
  if (active.length) {
    const all = total("waiting") + total("queued") + total("importing");
    out.push(
      `<h3>Waiting and importing${all > active.length ? ` (the first ${active.length} of ${all})` : ""}</h3><ul>`,
    );
    for (const f of active) {
      const text = describeProgress(
        {
          state: f.state,
          fileCount: f.fileCount,
          lastEventMs: f.lastEventMs,
          quietSeconds: ctx.quietSeconds[f.watch] ?? ctx.quietSeconds[0] ?? 60,
          notBeforeMs: f.notBeforeMs,
          attempts: f.attempts,
          error: f.error,
          startedAt: f.startedAt,
        },
        ctx.now,
      );
      const why = f.waitingFor && f.state === "waiting" ? `<p class="reason">${esc(f.waitingFor)}</p>` : "";
      out.push(filesetItem(f, ctx, `${plateP(f)}<p class="progress">${esc(text)}</p>${why}`));
    }
    out.push("</ul>");
  }
  const pending = groupPending(files.filter((f) => f.state === "pending"));
  const refused = files.filter((f) => f.state === "refused");
  if (pending.length || refused.length) {
    out.push("<h3>Files not in an import</h3><ul>");
    for (const g of pending) {
      const names = g.present
        .map((p) => `<span class="name">${esc(relName(p, user, ctx.watchDirs))}</span>`)
        .join(", ");
      out.push(
        `<li class="file pending">${names} <span class="badge pending">waiting for more files</span><p class="reason">${esc(g.text)}</p></li>`,
      );
    }
    for (const f of refused) {
      out.push(
        `<li class="file refused"><span class="name">${esc(relName(f.path, f.user, ctx.watchDirs))}</span> <span class="badge refused">refused</span><p class="reason">${esc(
          explainFile(f.state, f.reason),
        )}</p></li>`,
      );
    }
    out.push("</ul>");
  }
  if (imported.length) {
    out.push(`<h3>Imported (latest ${imported.length} of ${total("imported")})</h3><ul>`);
    for (const f of imported) {
      out.push(
        filesetItem(
          f,
          ctx,
          `<span class="when">${esc(ago(f.importedAt, ctx.now))}</span> <span class="target">${f.target ? `to ${esc(f.target)}` : ""}</span>${plateP(f)}`,
        ),
      );
    }
    out.push("</ul>");
  }
  if (ignored) out.push(`<p class="ignored">${ignored} file${ignored === 1 ? "" : "s"} not image data (ignored).</p>`);
  out.push("</section>");
  return out.join("");
}

/**
 * The MonitorServers on storage hosts: one that does not answer means files written there are
 * only found by rescans, so their imports come late.
 */
function remoteSection(ctx: PageContext): string {
  const remote = ctx.remote ?? [];
  if (remote.length === 0) return "";
  const rows = remote.map(
    (r) =>
      `<li class="remote ${esc(r.state)}" data-control="${esc(r.control)}"><span class="name">${esc(r.control)}</span> <span class="badge ${r.state === "connected" ? "imported" : "failed"}">${esc(
        r.state,
      )}</span> <span class="when">${r.lastContact ? `last answer ${esc(ago(r.lastContact, ctx.now))}` : "never answered"}</span> <span class="target">watch ${esc(
        r.watches.join(", "),
      )}</span>${
        r.state === "connected"
          ? ""
          : `<p class="reason">Files written on this storage host are not seen as they arrive; they are found by rescans, so their imports may be late.</p>`
      }</li>`,
  );
  return `<section class="remotes"><h2>Storage hosts</h2><ul>${rows.join("")}</ul></section>`;
}

/** The part the script reloads. */
export function pageContent(ctx: PageContext): string {
  const users = ctx.data.users;
  const head = ctx.q
    ? `<p class="search-result">Files matching “${esc(ctx.q)}”: ${users.length ? "" : "none."}</p>`
    : users.length
      ? ""
      : "<p>Nothing has been dropped yet.</p>";
  return `<div id="content" data-updated="${esc(new Date(ctx.now).toISOString())}">${remoteSection(ctx)}${head}${users
    .map((u) => userSection(u, ctx))
    .join("")}<p class="updated">Updated ${esc(new Date(ctx.now).toISOString().slice(11, 19))} UTC</p></div>`;
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:70em;padding:0 1em;color:#222}
header{display:flex;flex-wrap:wrap;align-items:center;gap:1em;border-bottom:1px solid #ccc}
h1{font-size:1.3em}h2{margin:1.2em 0 .2em}h3{font-size:1em;margin:.8em 0 .2em}
ul{list-style:none;padding:0;margin:0}li{padding:.3em 0;border-bottom:1px solid #eee}
.name{font-family:monospace;word-break:break-all}.badge{font-size:.8em;padding:0 .4em;border-radius:.3em;background:#eee}
.badge.failed{background:#fdd}.badge.imported{background:#dfd}.badge.importing,.badge.queued{background:#ddf}
.badge.refused{background:#fdd}.reason,.todo,.progress{margin:.2em 0 0 1em}.when,.target,.summary,.updated,.ignored{color:#666}
a.json{font-size:.8em;color:#888}`;

/** The whole page. */
export function renderPage(ctx: PageContext): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>DropBox imports</title><style>${STYLE}</style></head>
<body><header><h1>DropBox imports</h1>
<form method="get" action="/" role="search"><input type="search" id="q" name="q" value="${esc(ctx.q)}" placeholder="Search by file name" aria-label="Search by file name"> <button type="submit">Search</button></form>
<span class="updated">refreshes every ${ctx.refreshSeconds} s</span></header>
<main>${pageContent(ctx)}</main>
<script nonce="${esc(ctx.nonce)}">
setInterval(async function () {
  if (document.hidden) return;
  try {
    var r = await fetch(location.href, { headers: { "X-Omero-Fs-Partial": "1" }, credentials: "same-origin" });
    if (!r.ok) return;
    var doc = new DOMParser().parseFromString(await r.text(), "text/html");
    var next = doc.getElementById("content"), cur = document.getElementById("content");
    if (next && cur) cur.replaceWith(next);
  } catch (e) {}
}, ${ctx.refreshSeconds * 1000});
</script></body></html>
`;
}
