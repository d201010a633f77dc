// nvdimm: deprecated since Fedora 40 (pykickstart F40_Nvdimm): parsed for its options, then ignored with a warning.
import type { CommandDef } from "../command.js";
import type { OptionSpec } from "../options.js";

const options: OptionSpec[] = [
  { names: [], dest: "action", nargs: 1, choices: ["reconfigure", "use"], description: "reconfigure or use" },
  { names: ["--namespace"], dest: "namespace", description: "device by namespace" },
  { names: ["--blockdevs"], dest: "blockdevs", description: "devices by block device names (comma-separated)" },
  { names: ["--mode"], dest: "mode", choices: ["sector"], default: "sector", description: "mode to reconfigure into (sector)" },
  { names: ["--sectorsize"], dest: "sectorsize", type: "int", description: "sector size for sector mode" },
];

/** The `nvdimm` command: a deprecated command that has no effect. */
export const nvdimmCommand: CommandDef = {
  name: "nvdimm",
  summary: "deprecated (no effect): configure NVDIMM devices",
  options,
  handle(ctx) {
    ctx.warn(
      `Ignoring deprecated command on line ${ctx.lineno}:  The nvdimm command has been deprecated and no longer has any effect.  It may be removed from future releases, which will result in a fatal error from kickstart.  Please modify your kickstart file to remove this command.`,
      "KickstartDeprecationWarning",
    );
  },
  toKickstart: () => [],
};
