// ostreesetup: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `ostreesetup` command. */
export const ostreesetupCommand = stubCommand("ostreesetup");
