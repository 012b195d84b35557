// The seed's rate limiting ("Rate Limiting" in Nylon's WebSocket Support), pasted unchanged but for
// the import line: at most 5 open WebSockets per client IP; the next one gets a plain HTTP 429
// before any upgrade. A connection's slot is released when it closes.
package main

import (
	"sync"

	"nylon/sdk"
)

var connections = make(map[string]int)
var mu sync.Mutex

func init() {
	plugin := sdk.NewNylonPlugin()

	plugin.AddPhaseHandler("rate-limited-ws", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			req := ctx.Request()
			clientIP := req.ClientIP()

			mu.Lock()
			count := connections[clientIP]
			if count >= 5 {
				mu.Unlock()
				res := ctx.Response()
				res.SetStatus(429)
				res.BodyText("Too many connections")
				ctx.RemoveResponseHeader("Content-Length")
				ctx.SetResponseHeader("Transfer-Encoding", "chunked")
				ctx.End()
				return
			}
			connections[clientIP]++
			mu.Unlock()

			ctx.WebSocketUpgrade(sdk.WebSocketCallbacks{
				OnOpen: func(ws *sdk.WebSocketConn) {
					ws.SendText("Connected")
				},

				OnClose: func(ws *sdk.WebSocketConn) {
					mu.Lock()
					connections[clientIP]--
					mu.Unlock()
				},
			})
		})
	})
}

func main() {}
