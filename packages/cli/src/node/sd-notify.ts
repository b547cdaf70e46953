/**
 * systemd's sd_notify for `Type=notify` units without a native addon: Node cannot send on a Unix
 * datagram socket, so each message goes through `systemd-notify --pid=<node pid>` (the unit sets
 * NotifyAccess=all, since the message comes from that helper process). Nothing happens outside
 * systemd (no $NOTIFY_SOCKET) or when systemd-notify is missing (logged once).
 */
import { spawn } from "node:child_process";
import type { Logger } from "@omero-fs/config";

export interface SdNotify {
  ready(status: string): void;
  stopping(): void;
  close(): void;
}

/** The watchdog ping interval: half of WATCHDOG_USEC, when systemd asks for pings of this pid. Pure. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(500, Math.floor(usec / 2000));
}

export function sdNotify(logger: Logger, env: NodeJS.ProcessEnv = process.env): SdNotify {
  const active = Boolean(env.NOTIFY_SOCKET);
  let warned = false;
  const send = (...assignments: string[]) => {
    if (!active) return;
    const child = spawn("systemd-notify", [`--pid=${process.pid}`, ...assignments], { stdio: "ignore", env });
    child.on("error", (e) => {
      if (warned) return;
      warned = true;
      logger.warn(`cannot tell systemd (${assignments.join(" ")}): systemd-notify: ${e.message}`);
    });
  };
  const interval = active ? watchdogIntervalMs(env, process.pid) : null;
  const timer = interval === null ? null : setInterval(() => send("WATCHDOG=1"), interval);
  timer?.unref();
  return {
    ready: (status) => send("READY=1", `STATUS=${status}`),
    stopping: () => send("STOPPING=1", "STATUS=stopping"),
    close: () => {
      if (timer) clearInterval(timer);
    },
  };
}
