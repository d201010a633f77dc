// ksimage boot --attempts with real QEMU and SeaBIOS: a guest that stalls for good after writing to its console is booted
// again; a silent one or a visible failure is not. The disks are one sector of boot code each, so every boot is a few
// seconds of firmware.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootImage } from "../../../src/boot/boot-image.js";

/** A 1 MiB raw disk whose first sector is CODE with the boot signature. */
function disk(code: number[]): Buffer {
  const b = Buffer.alloc(1024 * 1024);
  Buffer.from(code).copy(b, 0);
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

describe("ksimage boot: attempts", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "ksimage-boot-it-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a guest that stalls after writing to its console times out and is booted again, up to the attempts given", async () => {
    const image = path.join(dir, "stall.raw");
    // mov dx, 0x3f8; mov al, 'K'; out dx, al; jmp $: one character on COM1, then the guest never moves or resets.
    await writeFile(image, disk([0xba, 0xf8, 0x03, 0xb0, 0x4b, 0xee, 0xeb, 0xfe]));
    const lines: string[] = [];
    const started = Date.now();
    const result = await bootImage({ image, timeoutSeconds: 4, attempts: 2, log: (l) => lines.push(l) });
    expect(result.ok).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.attempts).toBe(2);
    expect(result.tail).toEqual(["K"]);
    expect(result.failure).toBe('"login:" did not appear on the serial console within 4 s');
    expect(lines.filter((l) => l.startsWith("attempt 1 of 2: ") && l.includes("\n  | K\nbooting again"))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith("attempt 2 of 2"))).toBe(false);
    // Two full timeouts: the second boot was real.
    expect(Date.now() - started).toBeGreaterThanOrEqual(8000);
  });

  it("a guest that never writes to its console (no boot loader there) is not booted again: another boot would not either", async () => {
    const image = path.join(dir, "silent.raw");
    await writeFile(image, disk([0xeb, 0xfe]));
    const lines: string[] = [];
    const result = await bootImage({ image, timeoutSeconds: 4, attempts: 2, log: (l) => lines.push(l) });
    expect(result).toMatchObject({ ok: false, timedOut: true, attempts: 1, tail: [] });
    expect(result.handover).toMatch(/^Booting from /);
    expect(lines.some((l) => l.startsWith("attempt "))).toBe(false);
  });

  it("a visible failure (the BIOS finds no boot code) is not booted again", async () => {
    const image = path.join(dir, "empty.raw");
    await writeFile(image, Buffer.alloc(1024 * 1024));
    const lines: string[] = [];
    const result = await bootImage({ image, timeoutSeconds: 60, attempts: 3, log: (l) => lines.push(l) });
    expect(result.ok).toBe(false);
    expect(result.timedOut).toBe(false);
    expect(result.attempts).toBe(1);
    expect(lines.some((l) => l.startsWith("attempt "))).toBe(false);
  });
});
