/**
 * The top of the status page, for the facility manager (issue 21): the health bar, totals by
 * state, what needs attention (failed, incomplete, stuck, refused, the oldest waiting) with links,
 * and the filters. Pure HTML from the page's context; every outside text goes through `esc`.
 */
import { IMPORT_STATES } from "@omero-fs/protocol";
import type { HealthItem } from "../../core/status-health";
import {
  type Attention,
  ago,
  duration,
  esc,
  filterHref,
  type PageContext,
  type PageFileset,
  relName,
} from "./page-common";

const LEVEL_WORD = { ok: "OK", warn: "warning", bad: "problem", off: "off" } as const;

/** One line naming what is wrong, when anything is. */
export function alertLine(items: HealthItem[]): string {
  const bad = items.filter((i) => i.level === "bad");
  if (bad.length === 0) return "";
  return `<p class="alert" role="alert"><b>${bad.length} problem${bad.length === 1 ? "" : "s"}:</b> ${bad
    .map((i) => `${esc(i.label)} ${esc(i.text.split(": ")[0])}`)
    .join("; ")}</p>`;
}

export function healthBar(items: HealthItem[]): string {
  if (items.length === 0) return "";
  const li = items.map(
    (i) =>
      `<li class="health-item ${i.level}" data-key="${esc(i.key)}" data-level="${i.level}"><span class="level">${LEVEL_WORD[i.level]}</span> <b>${esc(
        i.label,
      )}</b> <span class="text">${esc(i.text)}</span></li>`,
  );
  return `<section class="health" aria-labelledby="h-health"><h2 id="h-health">Health</h2><ul>${li.join("")}</ul></section>`;
}

/** Filesets by state over every user (and the refused files), each a link to that filter. */
export function totalsBar(ctx: PageContext): string {
  const n = (state: string) => ctx.data.totals.filter((t) => t.state === state).reduce((a, t) => a + t.n, 0);
  const refused = ctx.data.refused.reduce((a, r) => a + r.n, 0);
  const li = IMPORT_STATES.map(
    (s) =>
      `<li class="total ${s}${ctx.filter.state === s ? " current" : ""}"><a href="${esc(filterHref(ctx, { state: s }))}" data-state="${s}"><span class="n">${n(s).toLocaleString("en")}</span> ${s}</a></li>`,
  );
  li.push(`<li class="total refused"><span class="n">${refused.toLocaleString("en")}</span> files refused</li>`);
  return `<section class="totals" aria-labelledby="h-totals"><h2 id="h-totals">Imports by state</h2><ul>${li.join("")}</ul></section>`;
}

const MAX_EACH = 10;

function item(ctx: PageContext, f: PageFileset, text: string): string {
  return `<li class="attention-item ${esc(f.state)}" data-id="${f.id}"><span class="name">${esc(
    relName(f.entry, f.user, ctx.watchDirs),
  )}</span> <span class="user">(${esc(f.user)})</span> ${text} <a class="json" href="/api/imports/${f.id}">import ${f.id}</a></li>`;
}

function group(title: string, total: number, items: string[], more: { href: string; text: string } | null): string {
  if (total === 0) return "";
  const shown = more ? ` <a class="more" href="${esc(more.href)}">${esc(more.text)}</a>` : "";
  return `<h3>${esc(title)} (${total.toLocaleString("en")})${shown}</h3><ul>${items.join("")}</ul>`;
}

export function attentionSection(ctx: PageContext, a: Attention | undefined): string {
  const d = ctx.data;
  const total = (state: string) => d.totals.filter((t) => t.state === state).reduce((x, t) => x + t.n, 0);
  const failed = d.failed
    .slice(0, MAX_EACH)
    .map((f) =>
      item(
        ctx,
        f,
        `<span class="when">dropped ${esc(ago(f.createdAt, ctx.now))}</span><p class="reason">${esc(f.error ?? "")}</p>`,
      ),
    );
  const incomplete = d.active
    .filter((f) => f.state === "incomplete")
    .slice(0, MAX_EACH)
    .map((f) => item(ctx, f, `<p class="reason">${esc(f.waitingFor ?? "")}</p>`));
  const stuck = (a?.stuck ?? []).map(({ f, overdueMs }) =>
    item(
      ctx,
      f,
      `<span class="when">${esc(f.state)}, ${esc(duration(overdueMs))} past its wait</span>${f.waitingFor ? `<p class="reason">${esc(f.waitingFor)}</p>` : ""}`,
    ),
  );
  const refusedTotal = d.refused.reduce((x, r) => x + r.n, 0);
  const refused = d.files
    .filter((f) => f.state === "refused")
    .slice(0, MAX_EACH)
    .map(
      (f) =>
        `<li class="attention-item refused"><span class="name">${esc(relName(f.path, f.user, ctx.watchDirs))}</span> <span class="user">(${esc(
          f.user,
        )})</span><p class="reason">${esc(f.reason ?? "")}</p></li>`,
    );
  const oldest = a?.oldestWaiting
    ? [
        item(
          ctx,
          a.oldestWaiting,
          `<span class="when">${esc(a.oldestWaiting.state)} since ${esc(ago(a.oldestWaiting.createdAt, ctx.now))}</span>${
            a.oldestWaiting.waitingFor ? `<p class="reason">${esc(a.oldestWaiting.waitingFor)}</p>` : ""
          }`,
        ),
      ]
    : [];
  const body = [
    group("Failed", total("failed"), failed, { href: filterHref(ctx, { state: "failed" }), text: "all failed" }),
    group("Incomplete", total("incomplete"), incomplete, {
      href: filterHref(ctx, { state: "incomplete" }),
      text: "all incomplete",
    }),
    group("Stuck", a?.stuckTotal ?? 0, stuck, null),
    group("Files refused", refusedTotal, refused, null),
    group("Oldest waiting", oldest.length, oldest, null),
  ].join("");
  return `<section class="attention" aria-labelledby="h-attention"><h2 id="h-attention">Needs attention</h2>${
    body || '<p class="none">Nothing needs attention.</p>'
  }</section>`;
}

/** State and user filters (a GET form: the address says what is shown). */
export function filterForm(ctx: PageContext): string {
  const opt = (value: string, label: string, current: string | null) =>
    `<option value="${esc(value)}"${current === value || (!current && value === "") ? " selected" : ""}>${esc(label)}</option>`;
  const states = [opt("", "every state", ctx.filter.state), ...IMPORT_STATES.map((s) => opt(s, s, ctx.filter.state))];
  const users = [opt("", "every user", ctx.filter.user), ...ctx.allUsers.map((u) => opt(u, u, ctx.filter.user))];
  const q = ctx.q ? `<input type="hidden" name="q" value="${esc(ctx.q)}">` : "";
  const clear = ctx.filter.state || ctx.filter.user || ctx.q ? ' <a class="clear" href="/">show everything</a>' : "";
  return `<form class="filters" method="get" action="/" aria-label="Filter">${q}<label>State <select name="state">${states.join(
    "",
  )}</select></label> <label>User <select name="user">${users.join("")}</select></label> <button type="submit">Show</button>${clear}</form>`;
}
