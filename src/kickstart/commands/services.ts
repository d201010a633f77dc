// services: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `services` command. */
export const servicesCommand = stubCommand("services");
