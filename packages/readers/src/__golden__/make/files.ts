/** Layout file maps: a map without some paths, a map moved under a folder. */

/** `files` without the named paths. */
export function without(files: Record<string, Buffer | string>, ...paths: string[]): Record<string, Buffer | string> {
  const out = { ...files };
  for (const p of paths) {
    if (!(p in out)) throw new Error(`layout has no ${p}`);
    delete out[p];
  }
  return out;
}

/** `files` moved under the folder `dir`. */
export function under(dir: string, files: Record<string, Buffer | string>): Record<string, Buffer | string> {
  return Object.fromEntries(Object.entries(files).map(([p, c]) => [`${dir}/${p}`, c]));
}
