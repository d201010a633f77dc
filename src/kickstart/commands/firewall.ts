// firewall: placeholder until its module is written.
import { stubCommand } from "./stub.js";

/** The `firewall` command. */
export const firewallCommand = stubCommand("firewall");
