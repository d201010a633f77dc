// part: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `part` command. */
export const partCommand = stubCommand("part", ["partition"]);
