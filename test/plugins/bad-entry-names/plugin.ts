// Hostile: registers entries no configuration can name ("" and "two words") by getting past the SDK's own
// check, as a guest built without the SDK could. The proxy refuses the plugin at load whatever its SDK did.
import { NylonPlugin, type PhaseHandler } from "@nylon/sdk";

const plugin = new NylonPlugin();
const handler = (phase: PhaseHandler) => phase.requestFilter((ctx) => ctx.next());

const test = RegExp.prototype.test;
RegExp.prototype.test = () => true;
plugin.addPhaseHandler("", handler);
plugin.addPhaseHandler("two words", handler);
RegExp.prototype.test = test;
plugin.addPhaseHandler("fine", handler);
