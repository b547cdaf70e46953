/** The I/O edge of the structure checks: open, stat, read only what checkStructure asks for. */
import { open } from "node:fs/promises";
import type { FilesetPlan } from "../types";
import { checkFilesetStructure, checkStructure } from "./check";
import type { StructureCheck } from "./types";

/** checkStructure on a file on disk. A file that cannot be opened is `unknown` (the caller sees it gone). */
export async function checkFileStructure(path: string): Promise<StructureCheck> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch {
    return { state: "unknown" };
  }
  try {
    const { size } = await fh.stat();
    const read = async (offset: number, length: number): Promise<Buffer> => {
      const b = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(b, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return b.subarray(0, got);
    };
    return await checkStructure(path, size, read);
  } finally {
    await fh.close();
  }
}

/** checkFilesetStructure on files on disk; every file it opens is closed before it returns. */
export async function checkFilesetStructureOnDisk(plan: FilesetPlan): Promise<{ path: string; reason: string }[]> {
  const handles: Awaited<ReturnType<typeof open>>[] = [];
  const opener = async (path: string) => {
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(path, "r");
    } catch {
      return null;
    }
    handles.push(fh);
    const { size } = await fh.stat();
    const read = async (offset: number, length: number): Promise<Buffer> => {
      const b = Buffer.alloc(length);
      const { bytesRead } = await fh.read(b, 0, length, offset);
      return b.subarray(0, bytesRead);
    };
    return { size, read };
  };
  try {
    return await checkFilesetStructure(plan, opener);
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
}
