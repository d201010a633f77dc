// vnc: deprecated since F43 in favour of rdp (pykickstart F43_Vnc): accepted with a warning, arguments ignored.
import type { CommandDef } from "../command.js";

/** The `vnc` command. */
export const vncCommand: CommandDef = {
  name: "vnc",
  summary: "deprecated (use rdp): accepted with a warning and ignored",
  options: [],
  handle(ctx) {
    ctx.warn(
      `Ignoring deprecated command on line ${ctx.lineno}: The ${ctx.word} command has been deprecated and no longer has any effect. ` +
        "It may be removed from future releases, which will result in a fatal error from kickstart. " +
        "Please modify your kickstart file to remove this command.",
      "KickstartDeprecationWarning",
    );
  },
  toKickstart: () => [],
};
