// sshkey: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `sshkey` command. */
export const sshkeyCommand = stubCommand("sshkey");
