// The seed's multi-room chat ("Multi-Room Chat" in Nylon's WebSocket Support), pasted unchanged but
// for the import line: a connection starts in "general" and moves with "/join <room>"; other text is
// broadcast to the room it is in.
package main

import (
	"strings"

	"nylon/sdk"
)

var rooms = map[string]bool{
	"general": true,
	"tech":    true,
	"random":  true,
}

func init() {
	plugin := sdk.NewNylonPlugin()

	plugin.AddPhaseHandler("multi-chat", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			currentRoom := "general"

			ctx.WebSocketUpgrade(sdk.WebSocketCallbacks{
				OnOpen: func(ws *sdk.WebSocketConn) {
					ws.JoinRoom(currentRoom)
					ws.SendText("Joined " + currentRoom)
				},

				OnMessageText: func(ws *sdk.WebSocketConn, msg string) {
					// Check for room commands
					if strings.HasPrefix(msg, "/join ") {
						newRoom := strings.TrimPrefix(msg, "/join ")

						if !rooms[newRoom] {
							ws.SendText("Room not found")
							return
						}

						// Leave current room
						ws.LeaveRoom(currentRoom)

						// Join new room
						currentRoom = newRoom
						ws.JoinRoom(currentRoom)
						ws.SendText("Joined " + currentRoom)
						return
					}

					// Broadcast message
					ws.BroadcastText(currentRoom, msg)
				},

				OnClose: func(ws *sdk.WebSocketConn) {
					ws.LeaveRoom(currentRoom)
				},
			})
		})
	})
}

func main() {}
