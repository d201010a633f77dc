// clearpart: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `clearpart` command. */
export const clearpartCommand = stubCommand("clearpart");
