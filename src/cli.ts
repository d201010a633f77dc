#!/usr/bin/env node
// Entry point of the `ksimage` binary.
import { main } from "./cli/main.js";
import { enableBuildNamespace } from "./run/namespace.js";
import { ignoreClosedPipes } from "./cli/closed-pipe.js";

enableBuildNamespace();

ignoreClosedPipes();
process.exitCode = await main(process.argv.slice(2));
