// fcoe: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `fcoe` command. */
export const fcoeCommand = stubCommand("fcoe");
