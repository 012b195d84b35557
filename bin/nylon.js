#!/usr/bin/env node
// The `nylon` command. It lives here, committed with its run bit, because tsc writes dist/ without one.
import "../dist/cli/nylon.js";
