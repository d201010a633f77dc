// timezone: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `timezone` command. */
export const timezoneCommand = stubCommand("timezone");
