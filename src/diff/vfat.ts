// Read a FAT file system inside an image file with mtools (image@@offset): paths and content hashes; FAT has no owners or modes.
import { createHash } from "node:crypto";
import { run } from "../run/index.js";
import type { TreeEntry } from "./tree.js";

const MTOOLS_ENV = { MTOOLS_SKIP_CHECK: "1" };

/** mtools' name for the file system at OFFSET of IMAGE. */
export function mtoolsImage(image: string, offsetBytes: number): string {
  return `${image}@@${offsetBytes}`;
}

// Parse `mdir -/ -b` (one "::/path", directories ending in "/") into paths and whether each is a directory.
export function parseMdirBare(stdout: string): { path: string; dir: boolean }[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("::/"))
    .map((l) => ({ path: l.slice(2).replace(/\/$/, ""), dir: l.endsWith("/") }));
}

// Every path of the FAT file system, with content hashes (one mcopy per file: an ESP holds few).
export async function readVfatTree(image: string, offset: number): Promise<TreeEntry[]> {
  const target = mtoolsImage(image, offset);
  const { stdout } = await run(["mdir", "-/", "-b", "-i", target, "::"], { env: MTOOLS_ENV, reason: "list a FAT file system", allowExitCodes: [1] });
  const out: TreeEntry[] = [];
  for (const e of parseMdirBare(stdout)) {
    if (e.dir) {
      out.push({ path: e.path, type: "dir", mode: 0, uid: 0, gid: 0, size: null, sha256: null, target: null });
      continue;
    }
    const hash = createHash("sha256");
    let size = 0;
    await run(["mcopy", "-n", "-i", target, `::${e.path}`, "-"], {
      env: MTOOLS_ENV,
      reason: "read a file of a FAT file system",
      onStdoutData: (chunk) => {
        hash.update(chunk);
        size += chunk.length;
      },
    });
    out.push({ path: e.path, type: "file", mode: 0, uid: 0, gid: 0, size, sha256: hash.digest("hex"), target: null });
  }
  return out;
}
