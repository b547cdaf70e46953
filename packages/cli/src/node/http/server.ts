/**
 * The node's read-only HTTP server (omero.fs.httpAddress): the status page (/), the JSON API
 * (/api/imports, /api/imports/:id, /api/files?path=), Prometheus metrics (/metrics) and /healthz.
 * It reads the ledger through a read-only connection and never writes anything. With
 * omero.fs.httpToken set, every request needs `Authorization: Bearer <token>` (or the cookie a
 * browser gets by opening /?token=<token> once).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { IMPORT_STATES } from "@omero-fs/protocol";
import { escapeName } from "../../format";
import { fileShowJson, importShowJson, importsListJson, pathCandidates } from "../../json-output";
import type { HttpDeps } from "./deps";
import { statusPage } from "./status-page";

export type { HttpDeps };

export interface HttpHandle {
  /** host:port actually bound (the port is known here when 0 was asked). */
  address: string;
  close(): Promise<void>;
}

const COOKIE = "omerofs_token";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const digest = (s: string) => createHash("sha256").update(s).digest();

function cookieOf(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

/** Write the parts with backpressure; stops quietly when the client went away. */
async function writeParts(res: http.ServerResponse, parts: Iterable<string>): Promise<void> {
  let buf = "";
  for (const p of parts) {
    buf += p;
    if (buf.length >= 1 << 20) {
      if (res.destroyed) return;
      if (!res.write(buf)) await new Promise((r) => res.once("drain", r).once("close", r));
      buf = "";
    }
  }
  if (!res.destroyed) res.end(buf);
}

export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(address.slice(i + 1)) };
}

export async function startHttp(deps: HttpDeps): Promise<HttpHandle> {
  const { config, logger } = deps;
  const token = config.global.httpToken;
  const tokenDigest = token ? digest(token) : null;
  const authorized = (req: http.IncomingMessage, url: URL): boolean => {
    if (!tokenDigest) return true;
    const auth = req.headers.authorization ?? "";
    const given = auth.startsWith("Bearer ")
      ? auth.slice(7).trim()
      : (cookieOf(req, COOKIE) ?? url.searchParams.get("token"));
    return given !== null && timingSafeEqual(digest(given), tokenDigest);
  };
  const watchDirs = config.watches.map((w) => w.watchDir);
  const quietSeconds = config.watches.map((w) => w.dirImportWait);

  const route = async (res: http.ServerResponse, url: URL): Promise<void> => {
    const p = url.pathname;
    const json = (status: number, text: string) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(text);
    };
    if (p === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end("ok\n");
      return;
    }
    if (p === "/metrics") {
      const m = await deps.metrics.render();
      res.writeHead(200, { "content-type": m.contentType });
      res.end(m.body);
      return;
    }
    const view = deps.view();
    if (p === "/api/imports") {
      const state = url.searchParams.get("state") ?? undefined;
      if (state !== undefined && !(IMPORT_STATES as readonly string[]).includes(state))
        throw new HttpError(400, `unknown import state "${state}"; valid states: ${IMPORT_STATES.join(", ")}`);
      if (!view) return json(200, "[]\n");
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      await writeParts(
        res,
        importsListJson(view, { user: url.searchParams.get("user") ?? undefined, state }, config.global.webUrl),
      );
      return;
    }
    const m = /^\/api\/imports\/([^/]+)$/.exec(p);
    if (m) {
      // Plain decimal only, as the CLI takes it (no 0x10, 1e3, 1.0, +1).
      const id = /^\d{1,15}$/.test(m[1]!) ? Number(m[1]) : Number.NaN;
      if (!Number.isSafeInteger(id) || id < 1)
        throw new HttpError(400, `import id must be a positive decimal number, got "${escapeName(m[1]!)}"`);
      const text = view ? importShowJson(view, id, config.global.webUrl) : null;
      if (!text) throw new HttpError(404, `no import with id ${id}`);
      return json(200, text);
    }
    if (p === "/api/files") {
      const raw = url.searchParams.get("path");
      if (!raw) throw new HttpError(400, "give the file as ?path=/absolute/path or ?path=user/relative/path");
      const candidates = pathCandidates(raw, null, watchDirs);
      const text = view ? fileShowJson(view, candidates) : null;
      if (!text) throw new HttpError(404, `DropBox has not seen ${candidates.join(" or ")}`);
      return json(200, text);
    }
    if (p === "/") {
      if (tokenDigest && url.searchParams.has("token")) {
        // A link with the token: keep it in a cookie and drop it from the address bar.
        url.searchParams.delete("token");
        res.writeHead(303, {
          location: `/${url.search}`,
          "set-cookie": `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        });
        res.end();
        return;
      }
      const nonce = randomBytes(16).toString("base64");
      const html = await statusPage(deps, view, url, nonce, watchDirs, quietSeconds);
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      });
      res.end(html);
      return;
    }
    throw new HttpError(404, `no such page: ${p} (see /, /api/imports, /api/files?path=, /metrics)`);
  };

  const server = http.createServer((req, res) => {
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    res.setHeader("cache-control", "no-store");
    const url = new URL(req.url ?? "/", "http://omero-fs.invalid");
    const fail = (status: number, message: string) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(`${JSON.stringify({ error: message })}\n`);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return fail(405, "read-only: only GET and HEAD");
    }
    if (!authorized(req, url)) {
      res.setHeader("www-authenticate", 'Bearer realm="omero-fs"');
      return fail(401, "this omero-fs needs its token: Authorization: Bearer <omero.fs.httpToken>");
    }
    route(res, url).catch((e: unknown) => {
      if (e instanceof HttpError) return fail(e.status, e.message);
      logger.error(`http ${req.method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      fail(500, `internal error: ${(e as Error).message?.split("\n")[0]}`);
    });
  });
  server.keepAliveTimeout = 5000;
  const { host, port } = splitAddress(config.global.httpAddress);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (e) => logger.error(`http server: ${e.message}`));
  const a = server.address() as AddressInfo;
  const address = a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  return {
    address,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
