// updates: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `updates` command. */
export const updatesCommand = stubCommand("updates");
