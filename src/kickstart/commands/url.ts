// url: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `url` command. */
export const urlCommand = stubCommand("url");
