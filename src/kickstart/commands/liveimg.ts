// liveimg: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `liveimg` command. */
export const liveimgCommand = stubCommand("liveimg");
