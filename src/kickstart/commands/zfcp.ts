// zfcp: attach a zFCP (IBM Z Fibre Channel) device (pykickstart F37_ZFCP), kept under other.zfcp.zfcp.
import type { CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";
import { otherList, overlay, writeArgs } from "./shared.js";

const options: OptionSpec[] = [
  { names: ["--devnum"], dest: "devnum", required: true, description: "zFCP device number" },
  { names: ["--wwpn"], dest: "wwpn", description: "World Wide Port Name (optional with NPIV auto LUN scan)" },
  { names: ["--fcplun"], dest: "fcplun", description: "zFCP LUN (optional with NPIV auto LUN scan)" },
];

/** The `zfcp` command: one zFCP device per line. */
export const zfcpCommand: CommandDef = {
  name: "zfcp",
  summary: "attach a zFCP device (IBM Z); no effect on an image",
  options,
  handle(ctx) {
    const { ns } = ctx.parse(options);
    const d: Record<string, unknown> = { ...overlay({ devnum: "", wwpn: "", fcplun: "" }, ns), file: ctx.file, lineno: ctx.lineno };
    const list = otherList(ctx.ks, "zfcp", "zfcp");
    if (list.some((o) => o.devnum === d.devnum && o.wwpn === d.wwpn && o.fcplun === d.fcplun)) ctx.warn("A zfcp with this information has already been defined.");
    list.push(d);
  },
  toKickstart: (ks) =>
    ((ks.other.zfcp as { zfcp?: Record<string, unknown>[] } | undefined)?.zfcp ?? []).map(
      (d) => `zfcp${writeArgs(d, [["--devnum", "devnum", "value"], ["--wwpn", "wwpn", "value"], ["--fcplun", "fcplun", "value"]])}`,
    ),
};
