// The seed's authenticated WebSocket ("Authentication" in Nylon's WebSocket Support), pasted unchanged
// but for the import line and one addition: the token comes in the query (?token=...) and is checked
// before the upgrade, so a bad token gets a plain HTTP 401 and no WebSocket at all.
//
// The seed leaves validateToken to the reader: here the valid tokens come from the plugin's config
// ({tokens: [...]}), as in plugins/auth-ws. The addition (marked below, as in plugins/auth-ws):
// connections join "authenticated-room" when they open, otherwise the seed's broadcast to that room
// would reach nobody.
package main

import (
	"net/url"

	"nylon/sdk"
)

type authConfig struct {
	Tokens []string `json:"tokens"`
}

var validTokens = map[string]bool{}

func validateToken(token string) bool {
	return token != "" && validTokens[token]
}

func init() {
	plugin := sdk.NewNylonPlugin()

	plugin.Initialize(sdk.NewInitializer(func(config authConfig) {
		if len(config.Tokens) == 0 {
			panic(`auth-ws: config needs "tokens", a list of strings`)
		}
		for _, token := range config.Tokens {
			validTokens[token] = true
		}
	}))

	plugin.AddPhaseHandler("auth-ws", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			req := ctx.Request()

			// Check token in query parameter
			query := req.Query()
			params, _ := url.ParseQuery(query)
			token := params.Get("token")

			if !validateToken(token) {
				res := ctx.Response()
				res.SetStatus(401)
				res.BodyText("Unauthorized")
				ctx.RemoveResponseHeader("Content-Length")
				ctx.SetResponseHeader("Transfer-Encoding", "chunked")
				ctx.End()
				return
			}

			ctx.WebSocketUpgrade(sdk.WebSocketCallbacks{
				OnOpen: func(ws *sdk.WebSocketConn) {
					ws.JoinRoom("authenticated-room") // nylon: join the room the broadcasts go to (not in the seed)
					ws.SendText("Authenticated")
				},

				OnMessageText: func(ws *sdk.WebSocketConn, msg string) {
					// Handle authenticated messages
					ws.BroadcastText("authenticated-room", msg)
				},
			})
		})
	})
}

func main() {}
