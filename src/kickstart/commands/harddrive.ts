// harddrive: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `harddrive` command. */
export const harddriveCommand = stubCommand("harddrive");
