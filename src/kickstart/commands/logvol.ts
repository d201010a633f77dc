// logvol: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `logvol` command. */
export const logvolCommand = stubCommand("logvol");
