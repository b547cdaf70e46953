import * as fs from "node:fs";
import * as path from "node:path";
import * as winston from "winston";
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
}

/**
 * One line per event: ISO time, level, component, message. Control characters in the message (a
 * newline or an ESC in a file name, a multi-line trace) are escaped as escapeName escapes them.
 */
export function formatLine(time: string, level: string, component: string, message: string): string {
  return `${time} ${level.toUpperCase().padEnd(5)} [${component}] ${escapeName(message)}`;
}

/** The server's winston logger, writing <logDir>/<component>.log with size-based rotation. */
export function createLogger(opts: LoggerOptions): winston.Logger {
  fs.mkdirSync(opts.logDir, { recursive: true });
  const fmt = winston.format.printf((info) =>
    formatLine(new Date().toISOString(), info.level, opts.component, String(info.message)),
  );
  const transports: winston.transport[] = [
    new winston.transports.File({
      filename: path.join(opts.logDir, `${opts.component}.log`),
      maxsize: opts.maxSize,
      maxFiles: opts.maxFiles,
      tailable: true,
      format: fmt,
    }),
  ];
  if (opts.console)
    transports.push(new winston.transports.Console({ format: fmt, stderrLevels: ["error", "warn", "info", "debug"] }));
  return winston.createLogger({ level: opts.level, transports });
}

/** Flush and close a logger (before process exit). */
export function closeLogger(logger: winston.Logger, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    logger.on("finish", () => {
      clearTimeout(t);
      resolve();
    });
    logger.end();
  });
}

export type Logger = winston.Logger;
