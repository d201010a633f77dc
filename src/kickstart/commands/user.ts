// user: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `user` command. */
export const userCommand = stubCommand("user");
