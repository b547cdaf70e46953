/**
 * The per-user part of the status page (for the people who drop files): what waits and for what,
 * what is in line or importing, what was imported, what failed and what to do, incomplete plates,
 * refused files; newest first within each list. And the storage hosts' MonitorServers.
 */
import { omeroWebLink } from "@omero-fs/dropbox/omero";
import { describeProgress, explainFailure, explainFile, groupPending } from "../../core/explain";
import { ago, esc, type PageContext, type PageFileset, relName } from "./page-common";

function filesetItem(f: PageFileset, ctx: PageContext, body: string): string {
  return `<li class="fileset ${esc(f.state)}" data-id="${f.id}" data-state="${esc(f.state)}"><span class="name">${esc(
    relName(f.entry, f.user, ctx.watchDirs),
  )}</span> <span class="badge ${esc(f.state)}">${esc(f.state)}</span> ${body} <a class="json" href="/api/imports/${f.id}">import ${f.id}</a></li>`;
}

/** A plate's line (reader's plate format, wells x fields x channels, images found of listed). */
function plateP(f: PageFileset): string {
  return f.plate ? `<p class="plate">${esc(f.plate)}</p>` : "";
}

export function userSection(user: string, ctx: PageContext): string {
  const d = ctx.data;
  const wanted = (f: { state: string }) => !ctx.filter.state || f.state === ctx.filter.state;
  const mine = <T extends { user: string }>(xs: T[]) => xs.filter((x) => x.user === user);
  const active = mine(d.active).filter((f) => f.state !== "incomplete" && wanted(f));
  const incomplete = mine(d.active).filter((f) => f.state === "incomplete" && wanted(f));
  const failed = mine(d.failed).filter(wanted);
  const imported = mine(d.imported).filter(wanted);
  const files = ctx.filter.state ? [] : mine(d.files);
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
    `<section class="user" data-user="${esc(user)}"><h3 class="user-name">${esc(user || "(no user folder)")}</h3><p class="summary">${esc(summary)}</p>`,
  ];
  if (failed.length) {
    out.push("<h4>Failed</h4><ul>");
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
    out.push("<h4>Incomplete (not imported half: files missing, cut or empty)</h4><ul>");
    for (const f of incomplete)
      out.push(
        filesetItem(
          f,
          ctx,
          `${plateP(f)}<p class="reason">${esc(f.waitingFor ?? "")}</p><p class="todo"><b>What to do:</b> copy the missing, cut or empty files again (it then imports by itself), or import it as it is: ${esc(
            `omero-fs imports release ${f.id}`,
          )}</p>`,
        ),
      );
    out.push("</ul>");
  }
  if (active.length) {
    const all = total("waiting") + total("queued") + total("importing");
    out.push(
      `<h4>Waiting and importing${all > active.length && !ctx.filter.state ? ` (the newest ${active.length} of ${all})` : ""}</h4><ul>`,
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
          waitingFor: f.waitingFor,
          omeroPaused: ctx.omeroPaused === true,
        },
        ctx.now,
      );
      const why =
        f.waitingFor && f.state === "waiting" && !text.endsWith(f.waitingFor)
          ? `<p class="reason">${esc(f.waitingFor)}</p>`
          : "";
      out.push(filesetItem(f, ctx, `${plateP(f)}<p class="progress">${esc(text)}</p>${why}`));
    }
    out.push("</ul>");
  }
  const pending = groupPending(files.filter((f) => f.state === "pending"));
  const refused = files.filter((f) => f.state === "refused");
  if (pending.length || refused.length) {
    out.push("<h4>Files not in an import</h4><ul>");
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
    out.push(`<h4>Imported (latest ${imported.length} of ${total("imported")})</h4><ul>`);
    for (const f of imported) {
      out.push(
        filesetItem(
          f,
          ctx,
          `<span class="when">${esc(ago(f.importedAt, ctx.now))}</span> <span class="target">${f.target ? `to ${esc(f.target)}` : ""}</span>${webLinkOf(f.target, ctx)}${plateP(f)}`,
        ),
      );
    }
    out.push("</ul>");
  }
  if (ignored && !ctx.filter.state)
    out.push(`<p class="ignored">${ignored} file${ignored === 1 ? "" : "s"} not image data (ignored).</p>`);
  out.push("</section>");
  return out.join("");
}

/** The images of an imported fileset in OMERO.web (omero.fs.webUrl; issue 20): a plain link, styled by the page. */
function webLinkOf(target: string | null, ctx: PageContext): string {
  const link = ctx.webUrl ? omeroWebLink(ctx.webUrl, target) : null;
  return link ? ` <a class="omero-web" href="${esc(link)}">in OMERO.web</a>` : "";
}

/**
 * The MonitorServers on storage hosts: one that does not answer means files written there are
 * only found by rescans, so their imports come late.
 */
export function remoteSection(ctx: PageContext): string {
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
  return `<section class="remotes" aria-labelledby="h-remotes"><h2 id="h-remotes">Storage hosts</h2><ul>${rows.join("")}</ul></section>`;
}
