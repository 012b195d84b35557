//go:build !wasip1

package sdk

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func assertEqual[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

func TestEntriesListPhasesInOrderOfRegistration(t *testing.T) {
	useFakeHost(t)
	plugin := NewNylonPlugin()
	plugin.AddPhaseHandler("auth", func(p *PhaseHandler) {
		p.RequestFilter(func(*PhaseRequestFilter) {})
		p.Logging(func(*PhaseLogging) {})
	})
	plugin.AddPhaseHandler("footer", func(p *PhaseHandler) {
		p.ResponseBodyFilter(func(*PhaseResponseBodyFilter) {})
	})
	plugin.AddPhaseHandler("nothing", func(p *PhaseHandler) {})
	assertEqual(t, guestEntries(), []entryInfo{
		{name: "auth", phases: []byte{byte(phaseRequestFilter), byte(phaseLogging)}},
		{name: "footer", phases: []byte{byte(phaseResponseBodyFilter)}},
		{name: "nothing", phases: nil},
	})
}

func TestAnEntryRegisteredTwicePanics(t *testing.T) {
	useFakeHost(t)
	NewNylonPlugin().AddPhaseHandler("x", func(*PhaseHandler) {})
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), `entry "x" is registered twice`) {
			t.Fatalf("recovered %v", r)
		}
	}()
	NewNylonPlugin().AddPhaseHandler("x", func(*PhaseHandler) {})
}

func TestPerRequestStateLivesUntilTheEntrysLastPhase(t *testing.T) {
	f := useFakeHost(t)
	registrations := 0
	NewNylonPlugin().AddPhaseHandler("count", func(p *PhaseHandler) {
		registrations++
		seen := 0
		p.RequestFilter(func(ctx *PhaseRequestFilter) {
			seen++
			ctx.Next()
		})
		p.ResponseFilter(func(ctx *PhaseResponseFilter) {
			seen++
			ctx.SetResponseHeader("x-seen", strings.Repeat("I", seen))
			ctx.Next()
		})
	})
	guestEntries()
	assertEqual(t, registrations, 1) // the probe

	assertEqual(t, guestOnPhase(7, 0, phaseRequestFilter), decisionNext)
	assertEqual(t, guestOnPhase(8, 0, phaseRequestFilter), decisionNext)
	assertEqual(t, guestOnPhase(7, 0, phaseResponseFilter), decisionNext)
	assertEqual(t, f.effects(), []string{"header x-seen: II"})
	assertEqual(t, registrations, 3)
	// Request 7 is done with the entry; request 8 still holds its state until it ends early.
	assertEqual(t, len(handlers), 1)
	guestOnRequestEnd(8)
	assertEqual(t, len(handlers), 0)
}

func TestAPhasesDecisionIsWhatItsHandlerCalled(t *testing.T) {
	useFakeHost(t)
	plugin := NewNylonPlugin()
	plugin.AddPhaseHandler("end", func(p *PhaseHandler) { p.RequestFilter(func(c *PhaseRequestFilter) { c.End() }) })
	plugin.AddPhaseHandler("unset", func(p *PhaseHandler) { p.RequestFilter(func(c *PhaseRequestFilter) {}) })
	plugin.AddPhaseHandler("body", func(p *PhaseHandler) {
		p.ResponseBodyFilter(func(c *PhaseResponseBodyFilter) { c.Next() })
	})
	guestEntries()
	assertEqual(t, guestOnPhase(1, 0, phaseRequestFilter), decisionEnd)
	assertEqual(t, guestOnPhase(1, 1, phaseRequestFilter), decisionUnset)
	// A phase the entry did not register continues, as in Nylon's Go SDK.
	assertEqual(t, guestOnPhase(1, 2, phaseRequestFilter), decisionNext)
	assertEqual(t, guestOnPhase(1, 2, phaseResponseBodyFilter), decisionNext)
	assertEqual(t, guestOnPhase(1, 9, phaseRequestFilter), decisionFailed)
}

func TestAPanickingPhaseFailsWithItsTextAndTheInstanceLivesOn(t *testing.T) {
	f := useFakeHost(t)
	calls := 0
	NewNylonPlugin().AddPhaseHandler("flaky", func(p *PhaseHandler) {
		p.RequestFilter(func(c *PhaseRequestFilter) {
			calls++
			if calls == 1 {
				var m map[string]int
				m["boom"] = 1 // a runtime error, as a nil pointer would be
			}
			c.End()
		})
	})
	guestEntries()
	assertEqual(t, guestOnPhase(1, 0, phaseRequestFilter), decisionFailed)
	logged := f.logged()
	for _, want := range []string{`log 4 entry "flaky" request-filter failed: panic: assignment to entry in nil map`, "goroutine ", "guest_test.go"} {
		if !strings.Contains(logged, want) {
			t.Fatalf("the log lacks %q:\n%s", want, logged)
		}
	}
	assertEqual(t, guestOnPhase(2, 0, phaseRequestFilter), decisionEnd)
}

func upgradeEcho(t *testing.T, callbacks WebSocketCallbacks, options ...UpgradeOption) uint32 {
	t.Helper()
	NewNylonPlugin().AddPhaseHandler("ws", func(p *PhaseHandler) {
		p.RequestFilter(func(c *PhaseRequestFilter) {
			if err := c.WebSocketUpgrade(callbacks, options...); err != nil {
				c.Next()
			}
		})
	})
	guestEntries()
	assertEqual(t, guestOnPhase(1, 0, phaseRequestFilter), decisionEnd)
	for conn := range connections {
		return conn
	}
	t.Fatal("no connection was opened")
	return 0
}

func TestWebSocketCallbacksRunInOrderAndOnCloseSeesTheCode(t *testing.T) {
	f := useFakeHost(t)
	conn := upgradeEcho(t, WebSocketCallbacks{
		OnOpen:          func(ws *WebSocketConn) { ws.JoinRoom("lobby") },
		OnMessageText:   func(ws *WebSocketConn, msg string) { ws.SendText("Echo: " + msg) },
		OnMessageBinary: func(ws *WebSocketConn, data []byte) { ws.BroadcastBinary("lobby", data, ExcludeSelf()) },
		OnError:         func(ws *WebSocketConn, err string) { ws.SendText("error " + err) },
		OnClose: func(ws *WebSocketConn) {
			code, reason := ws.CloseStatus()
			ws.BroadcastText("lobby", "bye", ExcludeSelf())
			ws.SendTextTo("node:1", strings.Repeat("!", int(code)-999)+reason)
		},
	})
	guestWsOpen(conn)
	guestWsText(conn, "hi")
	guestWsBinary(conn, []byte{1, 2})
	guestWsError(conn, "bad frame")
	guestWsClose(conn, 1001, "going")
	guestWsText(conn, "after close") // the connection is gone: ignored
	assertEqual(t, f.effects(), []string{
		`upgrade 1 protocol=""/false -> 101`,
		"join 101 lobby",
		"send-text 101 Echo: hi",
		"broadcast-binary 101 lobby [1 2] excludeSelf=true",
		"send-text 101 error bad frame",
		"broadcast-text 101 lobby bye excludeSelf=true",
		"send-text-to node:1 !!going",
	})
}

func TestAPanickingCallbackClosesItsConnectionWith1011(t *testing.T) {
	f := useFakeHost(t)
	conn := upgradeEcho(t, WebSocketCallbacks{
		OnMessageText: func(ws *WebSocketConn, msg string) { panic("cannot handle " + msg) },
	})
	f.effects()
	guestWsText(conn, "this")
	effects := f.effects()
	assertEqual(t, len(effects), 2)
	if !strings.HasPrefix(effects[0], "log 4 WebSocket callback failed: panic: cannot handle this") {
		t.Fatalf("logged %q", effects[0])
	}
	assertEqual(t, effects[1], `close 101 code=1011/true reason="plugin error"/true`)
}

func TestAFailedUpgradeReturnsTheHostsErrorAndDecidesNothing(t *testing.T) {
	f := useFakeHost(t)
	f.failNext["WebsocketUpgrade"] = &NylonError{Code: "NYLON_E_NOT_UPGRADE", Message: "not an upgrade"}
	var got error
	NewNylonPlugin().AddPhaseHandler("ws", func(p *PhaseHandler) {
		p.RequestFilter(func(c *PhaseRequestFilter) { got = c.WebSocketUpgrade(WebSocketCallbacks{}) })
	})
	guestEntries()
	assertEqual(t, guestOnPhase(1, 0, phaseRequestFilter), decisionUnset)
	var nylonErr *NylonError
	if !errors.As(got, &nylonErr) || nylonErr.Code != "NYLON_E_NOT_UPGRADE" {
		t.Fatalf("got %v", got)
	}
	assertEqual(t, len(connections), 0)
}

func TestUpgradeAndCloseOptions(t *testing.T) {
	f := useFakeHost(t)
	conn := upgradeEcho(t, WebSocketCallbacks{
		OnOpen: func(ws *WebSocketConn) {
			ws.CloseWith(4000, "policy")
			ws.Close()
			assertEqual(t, ws.ID(), "node:101")
			assertEqual(t, ws.ID(), "node:101") // asked once
			assertEqual(t, ws.Rooms(), []string{"a", "b"})
			assertEqual(t, ws.RoomSize("a"), 3)
		},
	}, Subprotocol("chat.v2"))
	guestWsOpen(conn)
	assertEqual(t, f.effects(), []string{
		`upgrade 1 protocol="chat.v2"/true -> 101`,
		`close 101 code=4000/true reason="policy"/true`,
		`close 101 code=0/false reason=""/false`,
		"connection-id 101",
	})
}

func TestInitDecodesTheConfigForEveryInitializer(t *testing.T) {
	useFakeHost(t)
	type config struct {
		Tokens []string `json:"tokens"`
		Limit  int      `json:"limit"`
	}
	var typed config
	var raw map[string]any
	plugin := NewNylonPlugin()
	plugin.Initialize(NewInitializer(func(c config) { typed = c }))
	plugin.Initialize(func(c map[string]any) { raw = c })
	if err := guestInit(`{"tokens":["a","b"],"limit":5,"extra":true}`); err != nil {
		t.Fatal(err)
	}
	assertEqual(t, typed, config{Tokens: []string{"a", "b"}, Limit: 5})
	assertEqual(t, raw["extra"], any(true))
	if err := guestInit(""); err != nil || len(raw) != 0 {
		t.Fatalf("empty config: %v, %v", err, raw)
	}
}

func TestInitFailsWithTheInitializersPanicOrABadConfig(t *testing.T) {
	useFakeHost(t)
	NewNylonPlugin().Initialize(NewInitializer(func(c struct{ Limit int }) {
		if c.Limit == 0 {
			panic("limit is required")
		}
	}))
	err := guestInit(`{}`)
	if err == nil || !strings.HasPrefix(err.Error(), "panic: limit is required") {
		t.Fatalf("got %v", err)
	}
	err = guestInit(`{"limit":"five"}`)
	if err == nil || !strings.Contains(err.Error(), "the plugin's config does not decode") {
		t.Fatalf("got %v", err)
	}
	err = guestInit(`[1,2]`)
	if err == nil || !strings.Contains(err.Error(), "the plugin's config is not a JSON object") {
		t.Fatalf("got %v", err)
	}
}

func TestPanicValuesAreFormattedWithoutFmt(t *testing.T) {
	type custom struct{ n int }
	for _, c := range []struct {
		value any
		want  string
	}{
		{errors.New("an error"), "an error"},
		{"a string", "a string"},
		{42, "42"},
		{int64(-7), "-7"},
		{uint8(255), "255"},
		{2.5, "2.5"},
		{true, "true"},
		{phaseLogging, "logging"},
		{custom{1}, "a value that is not an error, a Stringer, a string or a number"},
	} {
		assertEqual(t, panicValue(c.value), c.want)
	}
}
