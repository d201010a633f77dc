// rootpw: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `rootpw` command. */
export const rootpwCommand = stubCommand("rootpw");
