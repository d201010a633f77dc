// Commands that pykickstart's newest syntax (F45) removed: errors unless --lenient.
import type { CommandDef } from "../command.js";

function removed(name: string): CommandDef {
  return {
    name,
    summary: `removed from kickstart; an error unless --lenient`,
    options: [],
    support: "removed",
    handle: () => undefined,
    toKickstart: () => [],
  };
}

/** Every command F45 no longer accepts. */
export const removedCommands: CommandDef[] = ["install", "auth", "authconfig", "device", "upgrade"].map(removed);
