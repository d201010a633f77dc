// autopart: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `autopart` command. */
export const autopartCommand = stubCommand("autopart");
