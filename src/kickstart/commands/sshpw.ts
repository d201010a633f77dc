// sshpw: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `sshpw` command. */
export const sshpwCommand = stubCommand("sshpw");
