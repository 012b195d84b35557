// The seed's JSON protocol ("JSON-based Communication" in Nylon's WebSocket Support), pasted
// unchanged but for the import line and one addition: {"type": "echo" | "broadcast", "data": "..."}.
//
// The addition (marked below, as in plugins/json-ws): the seed broadcasts to room "lobby" but never
// joins it, so its broadcast would reach nobody; here every connection joins "lobby" when it opens.
package main

import (
	"encoding/json"

	"nylon/sdk"
)

type Message struct {
	Type string `json:"type"`
	Data string `json:"data"`
}

func init() {
	plugin := sdk.NewNylonPlugin()

	plugin.AddPhaseHandler("json-ws", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			ctx.WebSocketUpgrade(sdk.WebSocketCallbacks{
				// nylon: join the room the broadcasts go to (not in the seed).
				OnOpen: func(ws *sdk.WebSocketConn) {
					ws.JoinRoom("lobby")
				},

				OnMessageText: func(ws *sdk.WebSocketConn, msg string) {
					var message Message
					if err := json.Unmarshal([]byte(msg), &message); err != nil {
						ws.SendText("Invalid JSON")
						return
					}

					switch message.Type {
					case "echo":
						response := Message{
							Type: "echo",
							Data: message.Data,
						}
						data, _ := json.Marshal(response)
						ws.SendText(string(data))

					case "broadcast":
						ws.BroadcastText("lobby", message.Data)

					default:
						ws.SendText("Unknown message type")
					}
				},
			})
		})
	})
}

func main() {}
