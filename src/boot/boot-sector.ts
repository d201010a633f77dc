// Read the image's first sector (any format, via qemu-img dd) to tell whether its MBR holds boot code at all.
import { readFile } from "node:fs/promises";
import { run } from "../run/index.js";

/** The qemu-img argv that copies the first 512 bytes of IMAGE (in FORMAT) to a raw file OUT. */
export function bootSectorArgs(image: string, format: string, out: string): string[] {
  return ["qemu-img", "dd", "-f", format, "-O", "raw", "bs=512", "count=1", `if=${image}`, `of=${out}`];
}

/** Whether the 440 bytes of MBR boot code are anything but zeros (a partition table alone leaves them zero). */
export function hasBootCode(sector: Buffer): boolean {
  return sector.subarray(0, 440).some((b) => b !== 0);
}

// Copy the first sector of IMAGE to OUT and say whether it has boot code.
export async function readBootCode(image: string, format: string, out: string): Promise<boolean> {
  await run(bootSectorArgs(image, format, out), { reason: "look for boot code in the image's MBR", dryRun: false });
  return hasBootCode(await readFile(out));
}
