// rdp: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `rdp` command. */
export const rdpCommand = stubCommand("rdp");
