// mount: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `mount` command. */
export const mountCommand = stubCommand("mount");
