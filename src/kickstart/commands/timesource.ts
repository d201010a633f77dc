// timesource: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `timesource` command. */
export const timesourceCommand = stubCommand("timesource");
