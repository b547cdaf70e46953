/**
 * The readers' use of OMERO's whitelist (the matching is @omero-fs/protocol's path rules): a whitelist
 * selects filesets by their entry's name, never which members of a wanted fileset are seen (issue 9:
 * whitelist=.ics must still take x.ids).
 */

/** The reason an unwanted fileset's file is ignored. */
export function notWantedReason(entryName: string, normalised: string[], member: boolean): string {
  const of = member ? `its fileset's entry ${entryName}` : entryName;
  return `not wanted: the watch's whitelist (${normalised.join(", ")}) selects filesets by their entry's name, and ${of} does not match`;
}
