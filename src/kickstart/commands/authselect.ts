// authselect: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `authselect` command. */
export const authselectCommand = stubCommand("authselect");
