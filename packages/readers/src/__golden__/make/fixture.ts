/** The src/__fixtures__ generators (plates, formats) as golden layout files. Pure. */
import type { FixtureFile } from "../../__fixtures__/hcs/plate";

/** Layout files of a fixture, under `prefix` ("" or "folder/"); `skip` leaves paths out. */
export function fromFixture(
  files: readonly FixtureFile[],
  prefix = "",
  skip: (path: string) => boolean = () => false,
): Record<string, Buffer> {
  return Object.fromEntries(files.filter((f) => !skip(f.path)).map((f) => [`${prefix}${f.path}`, f.content]));
}
