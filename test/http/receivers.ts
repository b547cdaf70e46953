/** Notification receivers on loopback for the tests: a webhook (HTTP) and an SMTP server. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface Webhook {
  url: string;
  port: number;
  received: { event: string; fileset: { id: number; user: string; error: string | null; files: string[] } }[];
  /** Requests received and not answered (hold mode). */
  open: number;
  close(): Promise<void>;
}

/** A webhook receiver; with `hold`, it takes requests and never answers them (a hung receiver). */
export async function webhook(opts: { hold?: boolean; port?: number } = {}): Promise<Webhook> {
  const held: http.ServerResponse[] = [];
  const w: Webhook = { url: "", port: 0, received: [], open: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      w.received.push(JSON.parse(body));
      if (opts.hold) {
        held.push(res);
        w.open += 1;
        res.on("close", () => {
          w.open -= 1;
        });
        return;
      }
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  w.port = (server.address() as AddressInfo).port;
  w.url = `http://127.0.0.1:${w.port}/hook`;
  w.close = () =>
    new Promise<void>((r) => {
      for (const res of held) res.destroy();
      server.close(() => r());
      server.closeAllConnections();
    });
  return w;
}

/** A free loopback port with nothing listening on it (a receiver that is down). */
export async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface Smtp {
  port: number;
  /** Raw messages, with quoted-printable soft line breaks removed. */
  messages: { to: string[]; raw: string }[];
  close(): Promise<void>;
}

export async function smtp(): Promise<Smtp> {
  const s: Smtp = { port: 0, messages: [], close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (d: string) => {
        raw += d;
      });
      stream.on("end", () => {
        s.messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: raw.replace(/=\r?\n/g, "").replace(/=3D/g, "="),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  s.port = (server.server.address() as AddressInfo).port;
  s.close = () => new Promise<void>((r) => server.close(() => r()));
  return s;
}
