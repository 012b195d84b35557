// Plain `ws` echo server for the benchmarks, in its own process: the conformance reference server
// (text → "Echo: " + text, binary → same bytes, 1 MiB max), listening on the port given as argv[2].
import { startWsEchoTarget } from "../../test/websocket/targets.js";

const target = await startWsEchoTarget(Number(process.argv[2]));
process.once("SIGTERM", () => void target.stop().then(() => process.exit(0)));
