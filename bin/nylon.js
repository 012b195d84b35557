#!/usr/bin/env node
// The `nylon` command. It lives here, committed with its run bit, because tsc and rolldown write dist/
// without one; it starts the bundled CLI (rolldown.config.mjs).
import "../dist/bundle/nylon.js";
