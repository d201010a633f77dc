// driverdisk: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `driverdisk` command. */
export const driverdiskCommand = stubCommand("driverdisk");
