// zfcp: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `zfcp` command. */
export const zfcpCommand = stubCommand("zfcp");
