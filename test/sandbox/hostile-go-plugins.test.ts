// The hostile-plugin scenarios (hostile-scenarios.ts) against Go plugins (test/plugins/go-hostile),
// inline and in a worker thread; what only Go does wrong is in go-own-failures.test.ts.
import { describeHostilePlugins, describeHostLimits } from "./hostile-scenarios.js";

for (const isolation of ["inline", "worker"] as const) {
  describeHostilePlugins("Go", isolation);
  describeHostLimits("Go", isolation);
}
