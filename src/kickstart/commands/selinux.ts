// selinux: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `selinux` command. */
export const selinuxCommand = stubCommand("selinux");
