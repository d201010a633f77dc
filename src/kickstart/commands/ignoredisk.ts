// ignoredisk: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `ignoredisk` command. */
export const ignorediskCommand = stubCommand("ignoredisk");
