// cdrom: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `cdrom` command. */
export const cdromCommand = stubCommand("cdrom");
