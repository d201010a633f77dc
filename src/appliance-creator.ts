#!/usr/bin/env node
// Entry point of the `appliance-creator` drop-in binary (options of the original tool).
import { applianceCreatorMain } from "./cli/appliance-creator.js";
import { enableBuildNamespace } from "./run/namespace.js";
import { ignoreClosedPipes } from "./cli/closed-pipe.js";

enableBuildNamespace();

ignoreClosedPipes();
process.exitCode = await applianceCreatorMain(process.argv.slice(2));
