// Hostile, in Go: the TypeScript fixtures' misbehaviours (test/plugins/<name>/plugin.ts) and Go's own
// ways to fail, one chosen by the plugin's config ({misbehaviour: <name>}), on entry "hostile".
// A request with ?misbehave=1 or a WebSocket message "misbehave" triggers it; otherwise plain
// requests get 200 "ok <name>" and WebSocket text is echoed as "echo: <text>".
package main

import (
	"os"
	"runtime"
	"strings"
	"time"

	"nylon/sdk"
)

var misbehaviour string

// hoard keeps what allocate-forever allocates reachable, so the collector cannot give it back.
var hoard [][]byte

func deeper(n int) int { return deeper(n+1) + 1 }

func spin() {
	n := 0
	for {
		n++
	}
}

// misbehave fails the way the config says; it returns only for the misbehaviours of WebSocket
// callbacks, which a plain request does not trigger.
func misbehave() {
	switch misbehaviour {
	case "spin-request-filter", "spin-on-message":
		spin()
	case "allocate-forever":
		for {
			hoard = append(hoard, make([]byte, 1<<20))
		}
	case "trap":
		// An unrecovered panic in a goroutine: Go's runtime prints it and aborts (a trap).
		go func() { panic("hostile plugin panics in a goroutine") }()
		runtime.Gosched()
	case "throw":
		panic("hostile plugin panics")
	case "recurse-forever":
		deeper(0)
	case "block-forever":
		select {}
	case "sleep-forever":
		time.Sleep(time.Hour)
	case "exit":
		os.Exit(3)
	}
}

func init() {
	plugin := sdk.NewNylonPlugin()
	plugin.Initialize(func(config map[string]any) {
		misbehaviour, _ = config["misbehaviour"].(string)
	})

	plugin.AddPhaseHandler("hostile", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			if ctx.Request().QueryParam("misbehave") != "" {
				misbehave()
			}
			err := ctx.WebSocketUpgrade(sdk.WebSocketCallbacks{
				OnOpen: func(ws *sdk.WebSocketConn) { ws.JoinRoom("flood") },
				OnMessageText: func(ws *sdk.WebSocketConn, msg string) {
					if msg != "misbehave" {
						ws.SendText("echo: " + msg)
						return
					}
					if misbehaviour == "flood-broadcast" {
						flood(ws)
						return
					}
					misbehave()
				},
			})
			if err != nil {
				ctx.Response().SetStatus(200)
				ctx.Response().BodyText("ok " + misbehaviour)
				ctx.End()
			}
		})
	})
}

// flood broadcasts 10 KiB to the room 1,000 times (10 MB), ignoring every error, then closes its own
// connection with 4000 and the first error code it met as the reason.
func flood(ws *sdk.WebSocketConn) {
	chunk := strings.Repeat("x", 10*1024)
	firstError := ""
	for i := 0; i < 1000; i++ {
		if err := ws.BroadcastText("flood", chunk, sdk.ExcludeSelf()); err != nil && firstError == "" {
			firstError = err.(*sdk.NylonError).Code
		}
	}
	if firstError == "" {
		firstError = "no error"
	}
	ws.CloseWith(4000, firstError)
}

func main() {}
