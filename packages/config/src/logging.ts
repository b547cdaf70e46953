import * as fs from "node:fs";
import * as path from "node:path";
import type * as Winston from "winston";
import { HOME_MODES, restrictMode } from "./home";
import { escapeName } from "./names";
import type { LogLevel } from "./types";

export type Component = "Node" | "MonitorServer" | "DropBox";

export interface LoggerOptions {
  /** var/log directory of the home. */
  logDir: string;
  component: Component;
  level: LogLevel;
  /** Rotate when the file reaches this many bytes. */
  maxSize: number;
  /** Rotated files kept. */
  maxFiles: number;
  /** Also write to stderr (foreground runs). */
  console?: boolean;
  /** The stderr copy as JSON lines ({time, level, component, message}) instead of text. */
  consoleJson?: boolean;
}

/**
 * One line per event: ISO time, level, component, message. Control characters in the message (a
 * newline or an ESC in a file name, a multi-line trace) are escaped as escapeName escapes them.
 */
export function formatLine(time: string, level: string, component: string, message: string): string {
  return `${time} ${level.toUpperCase().padEnd(5)} [${component}] ${escapeName(message)}`;
}

/** The server's winston logger, writing <logDir>/<component>.log with size-based rotation. */
export function createLogger(opts: LoggerOptions): Winston.Logger {
  // Required here, not at the top: most CLI commands never log, and winston is 35 ms of their start.
  const winston: typeof Winston = require("winston");
  fs.mkdirSync(opts.logDir, { recursive: true, mode: HOME_MODES.dir });
  const file = path.join(opts.logDir, `${opts.component}.log`);
  restrictMode(file, HOME_MODES.log);
  const fmt = winston.format.printf((info) =>
    formatLine(new Date().toISOString(), info.level, opts.component, String(info.message)),
  );
  const transports: Winston.transport[] = [
    new winston.transports.File({
      filename: file,
      // New files (and rotated ones) 0640: the service user writes, its group may read.
      options: { flags: "a", mode: HOME_MODES.log },
      maxsize: opts.maxSize,
      maxFiles: opts.maxFiles,
      tailable: true,
      format: fmt,
    }),
  ];
  const json = winston.format.printf((info) =>
    JSON.stringify({
      time: new Date().toISOString(),
      level: info.level,
      component: opts.component,
      message: String(info.message),
    }),
  );
  if (opts.console)
    transports.push(
      new winston.transports.Console({
        format: opts.consoleJson ? json : fmt,
        stderrLevels: ["error", "warn", "info", "debug"],
      }),
    );
  return winston.createLogger({ level: opts.level, transports });
}

/** Flush and close a logger (before process exit). */
export function closeLogger(logger: Winston.Logger, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    logger.on("finish", () => {
      clearTimeout(t);
      resolve();
    });
    logger.end();
  });
}

export type Logger = Winston.Logger;

export type OnceLevel = "error" | "warn" | "info" | "debug";

/** "Log a new problem once": see onceLogger. */
export interface OnceLog {
  /**
   * Log `msg` at `level` the first time `key` is seen; while the key is remembered the same
   * problem logs at debug only. Returns true when it logged at `level`.
   */
  once(key: string, level: OnceLevel, msg: string): boolean;
  /** The problem cleared: the next once(key, ...) logs at its level again. */
  forget(key: string): void;
  /** forget() every key starting with `prefix` (e.g. every problem of one watch). */
  forgetPrefix(prefix: string): void;
}

/**
 * The one "log a new problem once" helper: a problem that persists (a monitor that cannot start,
 * an unreadable folder, a refused file seen by every rescan) is said once at its level, then at
 * debug, until the code that noticed it says it cleared (forget). Keys name the problem and what
 * it is about, e.g. `start:${watch}:${reason}`.
 */
export function onceLogger(log: Pick<Logger, "log">): OnceLog {
  const said = new Set<string>();
  return {
    once(key, level, msg) {
      if (said.has(key)) {
        log.log("debug", msg);
        return false;
      }
      said.add(key);
      log.log(level, msg);
      return true;
    },
    forget(key) {
      said.delete(key);
    },
    forgetPrefix(prefix) {
      for (const k of said) if (k.startsWith(prefix)) said.delete(k);
    },
  };
}
