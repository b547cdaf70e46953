/**
 * The MonitorServer's test hooks (docs/ARCHITECTURE.md, "Test hooks"; README "Test hooks"), read
 * once where the server resolves its options: a value that is not allowed throws a TestHookError
 * naming the variable, the value and what is allowed, so a mistyped hook fails the start instead
 * of running with production delays. Pure: the environment is an argument.
 */
import { testHookJson, testHookNumber } from "@omero-fs/config";
import { z } from "zod";
import { DEFAULT_TIMINGS, type PipelineTimings } from "./policy";

const ms = z.number().min(0);

/** Every PipelineTimings key, optional; an unknown key is refused (a typo must not pass silently). */
const TimingsSchema = z.strictObject(
  Object.fromEntries(Object.keys(DEFAULT_TIMINGS).map((k) => [k, ms.optional()])) as Record<
    keyof PipelineTimings,
    z.ZodOptional<typeof ms>
  >,
);

/** Which native watcher runs, whatever the platform would choose (so both run in Linux tests). */
export const WatcherKindSchema = z.enum(["dirs", "parcel"]);
export type WatcherKind = z.infer<typeof WatcherKindSchema>;

const OverridesSchema = z.strictObject({
  watchBackend: z.enum(["auto", "native", "poll"]).optional(),
  pollInterval: z.number().positive().optional(),
  insecureTcp: z.boolean().optional(),
  monitorBindControl: z.string().min(1).optional(),
  monitorBindEvents: z.string().min(1).optional(),
  monitorRoots: z.array(z.string().min(1)).optional(),
  watcher: WatcherKindSchema.optional(),
});
export type MonitorOverrides = z.infer<typeof OverridesSchema>;

export interface MonitorTestHooks {
  timings: PipelineTimings;
  /** Config values that win over the configuration files, and the watcher. */
  overrides: MonitorOverrides;
  /** Log process.memoryUsage() this often (0 = never): debugging and the memory benchmarks. */
  memlogMs: number;
  /** ZMTP heartbeat of tcp:// connections (a peer silent for 3 beats is dropped). */
  heartbeatMs: number;
}

export const TIMINGS_HOOK = "OMERO_FS_TEST_MONITOR_TIMINGS";
export const OVERRIDES_HOOK = "OMERO_FS_TEST_MONITOR_OVERRIDES";
export const MEMLOG_HOOK = "OMERO_FS_TEST_MONITOR_MEMLOG_MS";
export const HEARTBEAT_HOOK = "OMERO_FS_TEST_MONITOR_HEARTBEAT_MS";

export function monitorTestHooks(
  env: Record<string, string | undefined>,
  defaultHeartbeatMs: number,
): MonitorTestHooks {
  const timings = testHookJson(
    env,
    TIMINGS_HOOK,
    TimingsSchema,
    `a JSON object of ${Object.keys(DEFAULT_TIMINGS).join(", ")} (milliseconds or counts >= 0)`,
  );
  const overrides = testHookJson(
    env,
    OVERRIDES_HOOK,
    OverridesSchema,
    'a JSON object of watchBackend ("auto", "native", "poll"), pollInterval (s > 0), insecureTcp, monitorBindControl, monitorBindEvents, monitorRoots (array of absolute paths), watcher ("dirs", "parcel")',
  );
  return {
    timings: { ...DEFAULT_TIMINGS, ...stripUndefined(timings ?? {}) },
    overrides: overrides ?? {},
    memlogMs: testHookNumber(env, MEMLOG_HOOK, 0, { integer: true }),
    heartbeatMs: testHookNumber(env, HEARTBEAT_HOOK, defaultHeartbeatMs, { min: 100, integer: true }),
  };
}

function stripUndefined<T extends object>(o: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
}
