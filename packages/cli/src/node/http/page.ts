/**
 * GET /: the status page. Server-rendered HTML (no build step): first what a facility manager asks
 * (health, totals, what needs attention, filters), then each user's view for the people who drop
 * files. A small inline script reloads the content every few seconds and says so in a banner when
 * the node stops answering or the data grows stale. Every name comes from a file system users write
 * to: everything is escaped, and the Content-Security-Policy allows no other script.
 */
import { esc, type PageContext } from "./page-common";
import { alertLine, attentionSection, filterForm, healthBar, totalsBar } from "./page-overview";
import { remoteSection, userSection } from "./page-users";

export { esc, type PageContext } from "./page-common";

/** The part the script reloads. */
export function pageContent(ctx: PageContext): string {
  const users = ctx.filter.user ? ctx.data.users.filter((u) => u === ctx.filter.user) : ctx.data.users;
  const head = ctx.q
    ? `<p class="search-result">Files matching “${esc(ctx.q)}”: ${users.length ? "" : "none."}</p>`
    : users.length
      ? ""
      : "<p>Nothing has been dropped yet.</p>";
  const health = ctx.health ?? [];
  return `<div id="content" data-updated="${esc(new Date(ctx.now).toISOString())}">${alertLine(health)}${healthBar(health)}${totalsBar(
    ctx,
  )}${attentionSection(ctx, ctx.attention)}${remoteSection(ctx)}<section class="users" aria-labelledby="h-users"><h2 id="h-users">By user</h2>${filterForm(
    ctx,
  )}${head}${users
    .map((u) => userSection(u, ctx))
    .join("")}</section><p class="updated">Updated ${esc(new Date(ctx.now).toISOString().slice(11, 19))} UTC</p></div>`;
}

// Colours: every text pair at least 4.5:1 (WCAG AA), checked by axe-core in the browser test.
const STYLE = `*{box-sizing:border-box}
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72em;padding:0 1em 2em;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.5em 1em;border-bottom:1px solid #bbb;padding:.4em 0}
h1{font-size:1.3em;margin:.3em 0}h2{font-size:1.15em;margin:1.2em 0 .3em}h3{font-size:1em;margin:.9em 0 .2em}h4{font-size:.95em;margin:.7em 0 .2em}
a{color:#0645ad}a:visited{color:#4b2a85}
ul{list-style:none;padding:0;margin:0}li{padding:.3em 0;border-bottom:1px solid #e5e5e5}
input,select,button{font:inherit;max-width:100%}input[type=search]{width:16em}
.name{font-family:ui-monospace,monospace;word-break:break-all}
.badge{font-size:.85em;padding:0 .4em;border-radius:.3em;background:#e8e8e8;color:#1a1a1a}
.badge.failed,.badge.refused{background:#fbe0e0}.badge.imported{background:#dcf2dc}.badge.importing,.badge.queued{background:#dfe6fb}
.reason,.todo,.progress,.plate{margin:.2em 0 0 1em}
.when,.target,.summary,.updated,.ignored,.user,.none{color:#555}
a.json{font-size:.85em;color:#0645ad}
.banner{position:sticky;top:0;z-index:1;margin:.5em 0;padding:.6em .8em;border:2px solid #8a1c1c;background:#fdecec;color:#5c0f0f;font-weight:600}
.alert{margin:.6em 0;padding:.5em .8em;border-left:.4em solid #a11;background:#fdecec;color:#5c0f0f}
.health ul{display:flex;flex-wrap:wrap;gap:.4em}
.health li{flex:1 1 16em;border:1px solid #ccc;border-left-width:.4em;border-radius:.3em;padding:.35em .6em}
.health li.ok{border-left-color:#1b7a1b}.health li.warn{border-left-color:#a86400}.health li.bad{border-left-color:#b00;background:#fdf0f0}.health li.off{border-left-color:#777}
.level{font-size:.75em;font-weight:700;text-transform:uppercase;letter-spacing:.03em}
.ok .level{color:#1b6e1b}.warn .level{color:#7a4a00}.bad .level{color:#a00}.off .level{color:#555}
.totals ul{display:flex;flex-wrap:wrap;gap:.4em}
.totals li{border:1px solid #ccc;border-radius:.3em;padding:.2em .6em}.totals li.current{border-color:#0645ad;border-width:2px}
.totals .n{font-weight:700;font-size:1.1em}
.attention li{border-left:.3em solid #b00;padding-left:.5em;margin:.2em 0}
.filters{display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center;margin:.5em 0}
.user-name{font-size:1.05em;border-top:1px solid #bbb;padding-top:.6em}`;

/** The refresh and the banner: a node that does not answer, or data older than three refreshes. */
function script(refreshSeconds: number): string {
  return `(function () {
  var every = ${refreshSeconds * 1000};
  var banner = document.getElementById("banner");
  var lastOk = Date.now();
  var failingSince = null;
  var failure = "";
  function hhmmss(t) { return new Date(t).toISOString().slice(11, 19) + " UTC"; }
  function say() {
    var text = "";
    if (failingSince !== null)
      text = "The omero-fs node does not answer (" + failure + ") since " + hhmmss(failingSince) +
        ": what you see is from " + hhmmss(lastOk) + ".";
    else if (Date.now() - lastOk > 3 * every + 5000)
      text = "This page has not been updated since " + hhmmss(lastOk) + ": what you see may be out of date.";
    banner.textContent = text;
    banner.hidden = text === "";
  }
  // What the reader is choosing in the filter form (changed, not yet submitted) survives a refresh.
  function edits(root) {
    var out = [], focused = null;
    var els = root.querySelectorAll("form.filters [name]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var changed = el.tagName === "SELECT"
        ? Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; })
        : el.value !== el.defaultValue;
      if (changed) out.push([el.name, el.value]);
      if (el === document.activeElement) focused = el.name;
    }
    return { values: out, focused: focused };
  }
  function restore(root, kept) {
    var field = function (name) { return root.querySelector('form.filters [name="' + name + '"]'); };
    kept.values.forEach(function (v) { var el = field(v[0]); if (el) el.value = v[1]; });
    var f = kept.focused === null ? null : field(kept.focused);
    if (f) f.focus();
  }
  async function refresh() {
    try {
      var r = await fetch(location.href, { headers: { "X-Omero-Fs-Partial": "1" }, credentials: "same-origin", cache: "no-store" });
      if (!r.ok) throw new Error("HTTP " + r.status);
      var doc = new DOMParser().parseFromString(await r.text(), "text/html");
      var next = doc.getElementById("content"), cur = document.getElementById("content");
      if (!next || !cur) throw new Error("an unexpected answer");
      var kept = edits(cur);
      cur.replaceWith(next);
      restore(next, kept);
      lastOk = Date.now();
      failingSince = null;
    } catch (e) {
      if (failingSince === null) failingSince = Date.now();
      failure = e && e.message ? e.message : "no answer";
    }
    say();
  }
  setInterval(function () { if (!document.hidden) refresh(); else say(); }, every);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();`;
}

/** The whole page. */
export function renderPage(ctx: PageContext): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>DropBox imports</title><style>${STYLE}</style></head>
<body><header><h1>DropBox imports</h1>
<form method="get" action="/" role="search"><input type="search" id="q" name="q" value="${esc(ctx.q)}" placeholder="Search by file name" aria-label="Search by file name"> <button type="submit">Search</button></form>
<span class="updated">refreshes every ${ctx.refreshSeconds} s</span></header>
<div id="banner" class="banner" role="alert" hidden></div>
<main>${pageContent(ctx)}</main>
<script nonce="${esc(ctx.nonce)}">
${script(ctx.refreshSeconds)}
</script></body></html>
`;
}
