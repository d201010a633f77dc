// liveimg --checksum: the sha256 of the image or tarball, checked before anything is created (as Anaconda checks it before use).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { PlanError, type SourcePos } from "../errors.js";

// The checksum as the plan keeps it: lower-case hex, with an optional "sha256:" prefix removed; a PlanError when it is not a sha256.
export function parseLiveimgChecksum(value: string, pos: SourcePos): string {
  const hex = value.trim().replace(/^sha256:/i, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new PlanError(`liveimg --checksum=${value}: not a sha256 checksum (64 hexadecimal digits)`, pos);
  return hex;
}

// The sha256 of FILE, read as a stream.
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

// Refuse a liveimg file whose sha256 is not the one the kickstart gives.
export async function verifyLiveimgChecksum(file: string, expected: string, pos: SourcePos): Promise<void> {
  const actual = await sha256File(file);
  if (actual !== expected) {
    throw new PlanError(`liveimg --checksum: ${file} has sha256 ${actual}, the kickstart expects ${expected}`, pos, "the file is not the one the kickstart was written for: fetch it again, or correct --checksum");
  }
}
