// zerombr: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `zerombr` command. */
export const zerombrCommand = stubCommand("zerombr");
