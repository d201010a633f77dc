// xconfig: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `xconfig` command. */
export const xconfigCommand = stubCommand("xconfig");
