// raid: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `raid` command. */
export const raidCommand = stubCommand("raid");
