// Read bootloader --append: split it into kernel arguments and find the serial console it names.
import type { SerialConsole } from "./types.js";

const PARITY: Record<string, SerialConsole["parity"]> = { n: "no", o: "odd", e: "even" };

/** Split --append like the kernel does: on blanks, keeping double-quoted values together. */
export function splitKernelArgs(append: string | null): string[] {
  if (append === null) return [];
  return append.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}

/**
 * The serial port of the last `console=ttyS<n>[,<speed>[<parity>[<bits>]]]` argument, or null when --append names
 * no serial console. Speed defaults to 9600 and the format to 8n1, as in the kernel.
 */
export function serialConsole(args: readonly string[]): SerialConsole | null {
  const serial = args.filter((a) => /^console=ttyS\d/.test(a));
  const last = serial[serial.length - 1];
  if (last === undefined) return null;
  const m = /^console=ttyS(\d+)(?:,(\d+)([noe])?([5-8])?)?/.exec(last);
  if (!m) return null;
  return { unit: Number(m[1]), speed: m[2] ? Number(m[2]) : 9600, parity: PARITY[m[3] ?? "n"]!, word: m[4] ? Number(m[4]) : 8 };
}

/** GRUB's `serial` command for the console: `serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1`. */
export function grubSerialCommand(serial: SerialConsole): string {
  return `serial --unit=${serial.unit} --speed=${serial.speed} --word=${serial.word} --parity=${serial.parity} --stop=1`;
}
