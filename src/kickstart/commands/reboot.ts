// reboot: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `reboot` command. */
export const rebootCommand = stubCommand("reboot", ["poweroff", "halt", "shutdown"]);
