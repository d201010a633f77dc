// Recognise an ISO 9660 image by its primary volume descriptor ("CD001" at byte 32769), whatever its file name.
import { open } from "node:fs/promises";

/** Byte offset of the standard identifier of the first volume descriptor (sector 16 of 2048 bytes, plus one). */
export const ISO9660_MAGIC_OFFSET = 16 * 2048 + 1;

// True when FILE holds an ISO 9660 file system at the start (a plain or hybrid ISO).
export async function isIso9660(file: string): Promise<boolean> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(5);
    const { bytesRead } = await fh.read(buf, 0, 5, ISO9660_MAGIC_OFFSET);
    return bytesRead === 5 && buf.toString("latin1") === "CD001";
  } finally {
    await fh.close();
  }
}
