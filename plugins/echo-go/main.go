// The seed's echo server ("Echo Server" in Nylon's WebSocket Support), pasted unchanged but for the
// import line: text comes back prefixed with "Echo: ", binary comes back as it is.
package main

import (
	"nylon/sdk"
)

func init() {
	plugin := sdk.NewNylonPlugin()

	plugin.AddPhaseHandler("echo", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			ctx.WebSocketUpgrade(sdk.WebSocketCallbacks{
				OnMessageText: func(ws *sdk.WebSocketConn, msg string) {
					ws.SendText("Echo: " + msg)
				},

				OnMessageBinary: func(ws *sdk.WebSocketConn, data []byte) {
					ws.SendBinary(data)
				},
			})
		})
	})
}

func main() {}
