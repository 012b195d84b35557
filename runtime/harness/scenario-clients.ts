// A scenario names its WebSocket clients (`connect: { as: alice }`) and then refers to them by name in
// later steps and expectations. A name used before any step connected it is refused at load, with a
// did-you-mean, as a configuration's undefined names are: at run time it could only fail its step.
import type { ConfigIssue } from "../config/config-error.js";
import type { KeyPath } from "../config/key-path.js";
import { didYouMean } from "../config/suggest.js";
import type { Scenario } from "./scenario.js";

type IssueAt = (path: KeyPath, message: string, options?: { atKey?: boolean }) => ConfigIssue;

export function checkScenarioClients(scenario: Scenario, issueAt: IssueAt): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const connected: string[] = [];
  const use = (name: string, path: KeyPath, atKey = false) => {
    if (connected.includes(name)) return;
    const known = connected.length === 0 ? "no client is connected yet" : `connected: ${connected.join(", ")}`;
    issues.push(issueAt(path, `client "${name}" is not connected by an earlier step${didYouMean(name, connected)} (${known}; connect: { as: ${name}, ... } first)`, { atKey }));
  };
  scenario.steps.forEach((step, index) => {
    const at = (...path: PropertyKey[]): KeyPath => ["steps", index, ...path];
    if ("connect" in step) connected.push(step.connect.as);
    if ("send" in step) use(step.send.as, at("send", "as"));
    if ("close" in step) use(step.close.as, at("close", "as"));
    if ("request" in step || step.expect === undefined) return;
    for (const key of ["received", "closed", "rooms"] as const) {
      for (const name of Object.keys(step.expect[key] ?? {})) use(name, at("expect", key, name), true);
    }
  });
  return issues;
}
