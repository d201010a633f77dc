// vnc: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `vnc` command. */
export const vncCommand = stubCommand("vnc");
