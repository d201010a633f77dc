// ostreecontainer: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `ostreecontainer` command. */
export const ostreecontainerCommand = stubCommand("ostreecontainer");
