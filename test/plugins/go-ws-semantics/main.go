// The Go twin of test/plugins/ws-semantics: every WebSocket callback and method through the same
// small text protocol (see that plugin for the commands), so the semantics tests run against both
// languages. Lengths in the event log are those the TypeScript plugin reports: UTF-16 units for text.
package main

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"nylon/sdk"
)

const logRoom = "log"

func answer(ws *sdk.WebSocketConn, err error) {
	if err != nil {
		ws.SendText("err " + err.(*sdk.NylonError).Code)
		return
	}
	ws.SendText("ok")
}

// fail answers only an error (a broadcast's or a send's success is the message itself).
func fail(ws *sdk.WebSocketConn, err error) {
	if err != nil {
		answer(ws, err)
	}
}

func asciiBytes(text string) []byte {
	out := make([]byte, 0, len(text))
	for _, r := range text {
		out = append(out, byte(r))
	}
	return out
}

// split is "<verb> <arg> <rest...>", where rest may contain spaces.
func split(msg string) (verb, arg, rest string) {
	parts := strings.SplitN(msg, " ", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return parts[0], parts[1], parts[2]
}

func command(ws *sdk.WebSocketConn, msg string) {
	verb, arg, rest := split(msg)
	switch verb {
	case "join":
		answer(ws, ws.JoinRoom(arg))
	case "leave":
		answer(ws, ws.LeaveRoom(arg))
	case "twice":
		ws.JoinRoom(arg)
		answer(ws, ws.JoinRoom(arg))
	case "bcast":
		fail(ws, ws.BroadcastText(arg, rest))
	case "bcastx":
		fail(ws, ws.BroadcastText(arg, rest, sdk.ExcludeSelf()))
	case "bin":
		fail(ws, ws.BroadcastBinary(arg, asciiBytes(rest)))
	case "binx":
		fail(ws, ws.BroadcastBinary(arg, asciiBytes(rest), sdk.ExcludeSelf()))
	case "rooms":
		rooms := ws.Rooms()
		sort.Strings(rooms)
		ws.SendText("rooms " + strings.Join(rooms, ","))
	case "size":
		ws.SendText("size " + strconv.Itoa(ws.RoomSize(arg)))
	case "id":
		ws.SendText("id " + ws.ID())
	case "to":
		fail(ws, ws.SendTextTo(arg, rest))
	case "close":
		if arg == "" {
			fail(ws, ws.Close())
			return
		}
		code, err := strconv.ParseUint(arg, 10, 16)
		if err != nil {
			code = 0 // not a code: the host refuses it
		}
		fail(ws, ws.CloseWith(uint16(code), rest))
	case "throw":
		panic("asked to throw")
	default:
		ws.SendText("unknown " + verb)
	}
}

func init() {
	plugin := sdk.NewNylonPlugin()
	plugin.AddPhaseHandler("semantics", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			req := ctx.Request()
			watcher := req.QueryParam("watch") == "1"
			var options []sdk.UpgradeOption
			if want := req.QueryParam("want"); want != "" {
				options = append(options, sdk.Subprotocol(want))
			} else {
				for _, offered := range strings.Split(req.Header("sec-websocket-protocol"), ",") {
					if strings.TrimSpace(offered) == "chat.v2" {
						options = append(options, sdk.Subprotocol("chat.v2"))
					}
				}
			}
			report := func(ws *sdk.WebSocketConn, event string) {
				if !watcher {
					ws.BroadcastText(logRoom, ws.ID()+" "+event)
				}
			}

			err := ctx.WebSocketUpgrade(sdk.WebSocketCallbacks{
				OnOpen: func(ws *sdk.WebSocketConn) {
					if watcher {
						ws.JoinRoom(logRoom)
					}
					report(ws, "open")
				},
				OnMessageText: func(ws *sdk.WebSocketConn, msg string) {
					report(ws, "text "+strconv.Itoa(len(utf16.Encode([]rune(msg)))))
					command(ws, msg)
				},
				OnMessageBinary: func(ws *sdk.WebSocketConn, data []byte) {
					report(ws, "binary "+strconv.Itoa(len(data)))
					ws.SendBinary(data)
				},
				OnError: func(ws *sdk.WebSocketConn, err string) { report(ws, "error "+err) },
				OnClose: func(ws *sdk.WebSocketConn) {
					code, reason := ws.CloseStatus()
					report(ws, "close "+strconv.Itoa(int(code))+" "+reason)
				},
			}, options...)
			if err != nil {
				ctx.Response().SetStatus(400)
				ctx.Response().BodyText("not a websocket: " + err.(*sdk.NylonError).Code)
				ctx.End()
			}
		})
	})
}

func main() {}
