// The Go twin of plugins/phase-bench, for bench/plugin-phases.ts: a request filter that only
// continues, and one that also sets a response header (one host call that validates and stores it).
package main

import "nylon/sdk"

func init() {
	plugin := sdk.NewNylonPlugin()

	plugin.AddPhaseHandler("noop", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) { ctx.Next() })
	})

	plugin.AddPhaseHandler("set-header", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			ctx.SetResponseHeader("X-Bench", "1")
			ctx.Next()
		})
	})
}

func main() {}
