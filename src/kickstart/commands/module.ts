// module: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `module` command. */
export const moduleCommand = stubCommand("module");
