// A placeholder for a command whose module is not written yet: accepts any arguments.
import type { CommandDef } from "../command.js";

/** Accept the command and record its raw arguments under `other` (to be replaced by a real module). */
export function stubCommand(name: string, aliases: readonly string[] = []): CommandDef {
  return {
    name,
    aliases,
    summary: `${name} (not yet modelled)`,
    options: [],
    handle(ctx) {
      ctx.ks.other[name] = { args: ctx.args };
    },
    toKickstart: () => [],
  };
}
