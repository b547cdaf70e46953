/**
 * Which events the DropBox asks its MonitorServer for, and which it acts on (issue 19). Deletions
 * are always asked for, whatever omero.fs.eventTypes says (OMERO's default publishes none): the
 * DropBox needs them for itself, so that a file deleted after import and dropped again is a new
 * file. Creations and modifications follow the watch's eventTypes, applied here. Pure.
 */
import type { EventType, WatchEventType } from "@omero-fs/protocol";

const OF: Record<EventType, WatchEventType> = { Create: "Creation", Modify: "Modification", Delete: "Deletion" };

/** The eventTypes of the watch's monitor: the configured ones and Deletion. */
export function monitorEventTypes(configured: readonly WatchEventType[]): WatchEventType[] {
  return configured.includes("Deletion") ? [...configured] : [...configured, "Deletion"];
}

/** Does the DropBox act on an event of this type? A deletion always; the others as eventTypes says. */
export function eventWanted(type: EventType, configured: readonly WatchEventType[]): boolean {
  return type === "Delete" || configured.includes(OF[type]);
}
