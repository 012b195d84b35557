// The seed's chat server ("Chat Server" in Nylon's WebSocket Support), pasted unchanged but for the
// import line: everyone shares room "general"; joins, messages and departures are broadcast.
package main

import (
	"fmt"

	"nylon/sdk"
)

func init() {
	plugin := sdk.NewNylonPlugin()

	plugin.AddPhaseHandler("chat", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			err := ctx.WebSocketUpgrade(sdk.WebSocketCallbacks{
				OnOpen: func(ws *sdk.WebSocketConn) {
					fmt.Println("[Chat] User joined")

					// Join default room
					ws.JoinRoom("general")

					// Notify others
					ws.BroadcastText("general", "A user joined the chat")

					// Send welcome message
					ws.SendText("Welcome to the chat!")
				},

				OnMessageText: func(ws *sdk.WebSocketConn, msg string) {
					fmt.Printf("[Chat] Message: %s\n", msg)

					// Broadcast to all in room
					ws.BroadcastText("general", msg)
				},

				OnClose: func(ws *sdk.WebSocketConn) {
					fmt.Println("[Chat] User left")

					// Leave room
					ws.LeaveRoom("general")

					// Notify others
					ws.BroadcastText("general", "A user left the chat")
				},

				OnError: func(ws *sdk.WebSocketConn, err string) {
					fmt.Printf("[Chat] Error: %s\n", err)
				},
			})

			if err != nil {
				res := ctx.Response()
				res.SetStatus(400)
				res.BodyText("WebSocket upgrade failed")
				ctx.RemoveResponseHeader("Content-Length")
				ctx.SetResponseHeader("Transfer-Encoding", "chunked")
				ctx.End()
				return
			}
		})
	})
}

func main() {}
