// firstboot: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `firstboot` command. */
export const firstbootCommand = stubCommand("firstboot");
