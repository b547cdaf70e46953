/** A failure of a control request, with the protocol error code it is answered with: the protocol's one control error. */
export { ControlError } from "@omero-fs/protocol";

/** A start-up failure of the MonitorServer (bad config, endpoint in use, refused TCP). */
export class StartupError extends Error {
  constructor(
    readonly code: "CONFIG" | "ENDPOINT_IN_USE" | "INSECURE_TCP" | "BIND_FAILED" | "CURVE",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StartupError";
  }
}

export function errnoOf(e: unknown): string | undefined {
  return e && typeof e === "object" && "code" in e ? String((e as { code: unknown }).code) : undefined;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
