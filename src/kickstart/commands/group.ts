// group: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `group` command. */
export const groupCommand = stubCommand("group");
