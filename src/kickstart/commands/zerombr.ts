// zerombr: initialise disks with unreadable partition tables (pykickstart F9_ZeroMbr), kept under other.zerombr.
import type { CommandDef } from "../command.js";

/** The `zerombr` command: takes no arguments (`zerombr yes` is an error since F9). */
export const zerombrCommand: CommandDef = {
  name: "zerombr",
  summary: "initialise disks whose partition table cannot be read",
  options: [],
  handle(ctx) {
    ctx.parse([]);
    ctx.ks.other.zerombr = { zerombr: true };
  },
  toKickstart: (ks) => (ks.other.zerombr ? ["zerombr"] : []),
};
