// rescue: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `rescue` command. */
export const rescueCommand = stubCommand("rescue");
