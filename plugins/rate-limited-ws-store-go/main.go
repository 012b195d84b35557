// plugins/rate-limited-ws-store in Go: the seed's connection limit counted in the plugin's store, so
// it holds across every nylon process sharing the store (a node's workers, or every node on Redis):
// at most 5 open WebSockets per client IP; the next one gets a plain HTTP 429 before any upgrade,
// and 503 when the store cannot answer.
package main

import (
	"nylon/sdk"
)

const maxConnections = 5

func slotKey(clientIP string) string { return "connections:" + clientIP }

func release(clientIP string) {
	sdk.StoreIncrement(slotKey(clientIP), -1, 0, nil)
}

func init() {
	plugin := sdk.NewNylonPlugin()

	plugin.AddPhaseHandler("rate-limited-ws", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			clientIP := ctx.Request().ClientIP()
			// The increment takes the slot atomically: two nodes never both admit a 5th.
			sdk.StoreIncrement(slotKey(clientIP), 1, 0, func(count int64, err error) {
				res := ctx.Response()
				if err != nil {
					res.SetStatus(503)
					res.BodyText("Connection limit unavailable")
					ctx.End()
					return
				}
				if count > maxConnections {
					release(clientIP)
					res.SetStatus(429)
					res.BodyText("Too many connections")
					ctx.End()
					return
				}
				err = ctx.WebSocketUpgrade(sdk.WebSocketCallbacks{
					OnOpen:  func(ws *sdk.WebSocketConn) { ws.SendText("Connected") },
					OnClose: func(ws *sdk.WebSocketConn) { release(clientIP) },
				})
				if err != nil {
					release(clientIP)
					res.SetStatus(400)
					res.BodyText("WebSocket upgrade failed")
					ctx.End()
				}
			})
		})
	})
}

func main() {}
