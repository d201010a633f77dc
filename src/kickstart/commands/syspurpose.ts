// syspurpose: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `syspurpose` command. */
export const syspurposeCommand = stubCommand("syspurpose");
