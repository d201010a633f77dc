// Commands that pykickstart's newest syntax (F45) keeps only as RemovedCommand: errors unless --lenient.
import type { CommandDef } from "../command.js";

function removed(name: string): CommandDef {
  return {
    name,
    summary: `removed from kickstart; an error unless --lenient`,
    options: [],
    removed: true,
    handle: () => undefined,
    toKickstart: () => [],
  };
}

/**
 * Every command word F45 maps to a RemovedCommand class ("<word> has been removed.").
 * `module` (F45_Module) is removed too; it keeps its own module, module.ts. Words F45 does
 * not know at all (key, upgrade, ...) are not here: they are "Unknown command" errors.
 */
export const removedCommands: CommandDef[] = [
  "auth", // F35_Authconfig
  "authconfig", // F35_Authconfig
  "autostep", // F40_Autostep
  "device", // F34_Device
  "deviceprobe", // F34_DeviceProbe
  "dmraid", // F34_DmRaid
  "install", // F34_Install
  "method", // F40_Method
  "multipath", // F34_MultiPath
].map(removed);
