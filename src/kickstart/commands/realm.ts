// realm: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `realm` command. */
export const realmCommand = stubCommand("realm");
