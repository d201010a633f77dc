// reqpart: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `reqpart` command. */
export const reqpartCommand = stubCommand("reqpart");
