import * as path from "node:path";
import type { Page } from "playwright-core";
import { REPO_ROOT } from "./wait";

/** Where browser tests leave their screenshots (git-ignored). */
export const OUTPUT = path.join(REPO_ROOT, "test", "output");
const AXE = require.resolve("axe-core/axe.min.js");

/** axe-core's WCAG 2 A and AA rules on the page as it is now; the violations, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const r = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    }),
  )) as { violations: { id: string; nodes: { target: string[]; failureSummary: string }[] }[] };
  return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(" ")}: ${n.failureSummary}`));
}

/** Elements wider than the viewport (the page must not scroll sideways). */
export async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > w) out.push(`page ${document.documentElement.scrollWidth} > ${w}`);
    for (const e of Array.from(document.querySelectorAll("body *"))) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 1) out.push(`${e.tagName}.${e.className} right ${Math.round(r.right)} > ${w}`);
    }
    return out.slice(0, 10);
  });
}
