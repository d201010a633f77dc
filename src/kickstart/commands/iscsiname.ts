// iscsiname: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `iscsiname` command. */
export const iscsinameCommand = stubCommand("iscsiname");
