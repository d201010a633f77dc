// zipl: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `zipl` command. */
export const ziplCommand = stubCommand("zipl");
