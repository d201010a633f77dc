// module: the RPM modularity command, removed in pykickstart's F45 syntax (F45_Module is a RemovedCommand).
import type { CommandDef } from "../command.js";

/** The `module` command: an error ("module has been removed."), a warning with --lenient. */
export const moduleCommand: CommandDef = {
  name: "module",
  summary: "removed from kickstart (RPM modularity is gone); an error unless --lenient",
  options: [],
  removed: true,
  handle: () => undefined,
  toKickstart: () => [],
};
