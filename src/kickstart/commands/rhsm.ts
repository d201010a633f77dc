// rhsm: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `rhsm` command. */
export const rhsmCommand = stubCommand("rhsm");
