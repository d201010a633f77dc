// fcoe: attach FCoE storage through a network interface (pykickstart F28_Fcoe), kept under other.fcoe.fcoe.
import type { CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { otherList, overlay, writeArgs } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--nic"], dest: "nic", required: true, description: "network interface connected to the FCoE switch" },
  { names: ["--dcb"], dest: "dcb", action: "store_true", description: "enable Data Center Bridging awareness" },
  { names: ["--autovlan"], dest: "autovlan", action: "store_true", description: "discover VLANs automatically" },
];

/** The `fcoe` command: one FCoE interface per line. */
export const fcoeCommand: CommandDef = {
  name: "fcoe",
  summary: "attach FCoE storage during installation; no effect on an image",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const list = otherList(ctx.ks, "fcoe", "fcoe");
    if (list.some((o) => o.nic === ns.nic)) ctx.warn(`A FCOE device with the name ${String(ns.nic)} has already been defined.`);
    list.push({ ...overlay({ nic: null, dcb: false, autovlan: false } as Record<string, unknown>, ns), file: ctx.file, lineno: ctx.lineno });
  },
  toKickstart: (ks) =>
    ((ks.other.fcoe as { fcoe?: Record<string, unknown>[] } | undefined)?.fcoe ?? []).map(
      (d) => `fcoe${writeArgs(d, [["--nic", "nic", "value"], ["--dcb", "dcb", "flag"], ["--autovlan", "autovlan", "flag"]])}`,
    ),
};
