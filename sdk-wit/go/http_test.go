//go:build !wasip1

package sdk

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestRequestAccessors(t *testing.T) {
	f := useFakeHost(t)
	f.query = "token=a%20b&x=1"
	f.headers = []header{{"Accept", "text/html"}, {"x-tag", "one"}, {"X-Tag", "two"}}
	f.params = []header{{"id", "42"}}
	f.body = []byte("payload")
	r := &Request{req: 3}
	assertEqual(t, r.QueryParam("token"), "a b")
	assertEqual(t, r.QueryParam("missing"), "")
	assertEqual(t, r.Header("ACCEPT"), "text/html")
	assertEqual(t, r.Headers().Get("Accept"), "text/html")
	assertEqual(t, r.Headers().GetAll(), map[string]string{"accept": "text/html", "x-tag": "one, two"})
	assertEqual(t, r.Params(), map[string]string{"id": "42"})
	assertEqual(t, string(r.RawBody()), "payload")
	assertEqual(t, r.Bytes(), int64(7))
	assertEqual(t, r.Timestamp(), int64(1_700_000_000_000))

	f.bodyErr = &NylonError{Code: "NYLON_E_BODY_TOO_LARGE", Message: "over the cap"}
	f.body = nil
	body, err := r.Body()
	if body != nil || err.Error() != "NYLON_E_BODY_TOO_LARGE: over the cap" {
		t.Fatalf("got %q, %v", body, err)
	}
	assertEqual(t, r.RawBody(), []byte(nil))
}

func TestResponseBuilders(t *testing.T) {
	f := useFakeHost(t)
	res := &Response{req: 1}
	res.BodyText("hi")
	res.BodyJSON(map[string]int{"n": 1})
	res.BodyHTML("<b>x</b>")
	res.Redirect("/login")
	res.Redirect("/moved", 301)
	assertEqual(t, f.effects(), []string{
		"header Content-Type: text/plain; charset=utf-8", "body hi",
		"header Content-Type: application/json", `body {"n":1}`,
		"header Content-Type: text/html; charset=utf-8", "body <b>x</b>",
		"status 302", "header Location: /login", "body ",
		"status 301", "header Location: /moved", "body ",
	})
	assertEqual(t, res.Status(), 301)
	assertEqual(t, res.Headers(), map[string]string{"content-type": "text/html", "x-a": "1"})
	assertEqual(t, string(res.ReadBody()), "<p>upstream</p>")
	assertEqual(t, res.Duration(), int64(42))
	assertEqual(t, res.Error(), "")

	f.failNext["ResponseSetHeader"] = &NylonError{Code: "NYLON_E_INVALID_HEADER", Message: "CR in value"}
	var nylonErr *NylonError
	if err := res.SetHeader("x", "a\rb"); !errors.As(err, &nylonErr) || nylonErr.Code != "NYLON_E_INVALID_HEADER" {
		t.Fatalf("got %v", err)
	}
	if err := res.SetHeader("x", "fine"); err != nil {
		t.Fatalf("got %v", err)
	}
}

func TestAStreamIsAnIOWriter(t *testing.T) {
	f := useFakeHost(t)
	stream, err := (&Response{req: 1}).Stream()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(stream, "data: %d\n\n", 7)
	stream.End()
	assertEqual(t, f.effects(), []string{"stream-start", "stream-write data: 7\n\n", "stream-end"})

	f.failNext["ResponseStreamStart"] = &NylonError{Code: "NYLON_E_WRONG_PHASE", Message: "not here"}
	if stream, err := (&Response{req: 1}).Stream(); stream != nil || err == nil {
		t.Fatalf("got %v, %v", stream, err)
	}
}

func TestPayloads(t *testing.T) {
	f := useFakeHost(t)
	ctx := &phaseContext{req: 1}
	assertEqual(t, ctx.GetPayload(), map[string]any(nil))
	text := `{"max": 3, "name": "x"}`
	f.payload = &text
	assertEqual(t, ctx.GetPayload(), map[string]any{"max": 3.0, "name": "x"})
	var typed struct{ Max int }
	if err := ctx.DecodePayload(&typed); err != nil || typed.Max != 3 {
		t.Fatalf("got %v, %v", typed, err)
	}
	list := `[1]`
	f.payload = &list
	assertEqual(t, ctx.GetPayload(), map[string]any(nil))
}

func TestTimers(t *testing.T) {
	f := useFakeHost(t)
	fired := []string{}
	once, err := AfterFunc(1500*time.Millisecond, func() { fired = append(fired, "once") })
	if err != nil {
		t.Fatal(err)
	}
	every, _ := Every(0, func() {
		fired = append(fired, "every")
		panic("a failing tick")
	})
	assertEqual(t, f.effects(), []string{"set-timer 1 1500", "set-timer 2 0"})

	guestOnTimer(once.id)
	guestOnTimer(once.id) // fired already
	guestOnTimer(every.id)
	assertEqual(t, fired, []string{"once", "every"})
	effects := f.effects()
	assertEqual(t, effects[0], "set-timer 2 1") // re-armed before it ran, at least 1 ms apart
	if len(effects) != 2 || effects[1][:len("log 4 timer callback failed: panic: a failing tick")] != "log 4 timer callback failed: panic: a failing tick" {
		t.Fatalf("effects %q", effects)
	}
	assertEqual(t, every.Stop(), true)
	assertEqual(t, every.Stop(), false)
	assertEqual(t, once.Stop(), false)
	assertEqual(t, f.effects(), []string{"clear-timer 2"})

	f.failNext["SetTimer"] = &NylonError{Code: "NYLON_E_INVALID_ARGUMENT", Message: "at most 10000 timers"}
	if timer, err := AfterFunc(time.Second, func() {}); timer != nil || err == nil {
		t.Fatalf("got %v, %v", timer, err)
	}
}
