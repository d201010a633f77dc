// hmc: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `hmc` command. */
export const hmcCommand = stubCommand("hmc");
