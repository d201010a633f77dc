// volgroup: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `volgroup` command. */
export const volgroupCommand = stubCommand("volgroup");
