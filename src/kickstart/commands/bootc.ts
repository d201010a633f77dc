// bootc: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `bootc` command. */
export const bootcCommand = stubCommand("bootc");
