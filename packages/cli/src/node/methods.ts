import { AdminStatusJsonSchema, ServerNameSchema, ServerStatusJsonSchema } from "@omero-fs/protocol";
import { z } from "zod";

/**
 * The node's control protocol: the envelope of docs/ARCHITECTURE.md, "Wire protocol" (`{"v":1,"id","method",
 * "params"}` -> `{"v":1,"id","ok":true,"result"}` | `{"ok":false,"error":{"code","message"}}`) on
 * a ROUTER at omero.fs.nodeControl, with this method table.
 */
const NameParams = z.strictObject({ name: ServerNameSchema });
const NoParams = z.strictObject({});

export const NodeMethodParams = {
  ping: NoParams,
  /** The `admin status --json` shape plus extras (node.phase, servers[].reason, ...). */
  status: NoParams,
  /** Start an enabled server (clears `failed`); replies once it is ready or has failed. */
  serverStart: NameParams,
  /** Stop a server now (SIGTERM, deadline, SIGKILL); it stays stopped until serverStart. */
  serverStop: NameParams,
  /** Enable (persisted); a server that was disabled and is not running is started. */
  serverEnable: NameParams,
  /** Disable (persisted): the node will not start it, at node start or on demand. Does not stop it. */
  serverDisable: NameParams,
  /** Stop DropBox, then MonitorServer, then exit. Replies before stopping. */
  shutdown: NoParams,
  /** Re-read the config, apply what can change live; a bad config is refused and nothing changes. */
  reload: NoParams,
} as const;
export type NodeMethod = keyof typeof NodeMethodParams;

export const NodeServerStatusSchema = ServerStatusJsonSchema.extend({
  reason: z.string().nullable(),
  startedAt: z.string().nullable(),
});
export const NodeStatusSchema = AdminStatusJsonSchema.extend({
  node: z.object({
    pid: z.number().int().nullable(),
    running: z.boolean(),
    /** "starting" until every enabled server got its first start attempt, then "ready". */
    phase: z.enum(["starting", "ready", "stopping"]).optional(),
    home: z.string().optional(),
    endpoint: z.string().optional(),
    /** Where the sockets are (var/run, or a short fallback in /tmp for a deep home). */
    sockets: z.string().optional(),
  }),
  servers: z.array(NodeServerStatusSchema),
});
export type NodeStatus = z.infer<typeof NodeStatusSchema>;
export type NodeServerStatus = z.infer<typeof NodeServerStatusSchema>;

/** Result of the server verbs: what changed, in words, and the server's status after it. */
export const ServerActionResultSchema = z.object({ message: z.string(), server: NodeServerStatusSchema });
export type ServerActionResult = z.infer<typeof ServerActionResultSchema>;

export const NodeMethodResults = {
  ping: z.object({ pid: z.number().int(), version: z.string() }),
  status: NodeStatusSchema,
  serverStart: ServerActionResultSchema,
  serverStop: ServerActionResultSchema,
  serverEnable: ServerActionResultSchema,
  serverDisable: ServerActionResultSchema,
  shutdown: z.object({ pid: z.number().int() }),
  /** Applied, needing a restart, not applied now (with why); a refused configuration: its problems, nothing changed. */
  reload: z.object({
    changed: z.array(z.string()),
    applied: z.array(z.string()),
    restart: z.array(z.string()),
    notApplied: z.array(z.string()),
    problems: z.array(z.string()),
  }),
} as const;
