package sdk

import (
	"math"
	"time"
)

// A plugin runs only while the proxy calls it, so Go's own timers (time.AfterFunc, a goroutine
// sleeping) do not fire between calls. These are host timers: the proxy calls the plugin back when
// one is due.

// Timer is a pending AfterFunc or Every.
type Timer struct {
	id     uint32
	fn     func()
	repeat uint32 // milliseconds between runs; 0 runs once
}

var (
	timers      = map[uint32]*Timer{}
	nextTimerID uint32
)

// AfterFunc runs fn once, d from now. It fails with NYLON_E_INVALID_ARGUMENT when the plugin already
// has as many timers pending as the proxy allows.
func AfterFunc(d time.Duration, fn func()) (*Timer, error) { return schedule(d, fn, false) }

// Every runs fn every d (at least 1 ms) until the timer is stopped.
func Every(d time.Duration, fn func()) (*Timer, error) { return schedule(d, fn, true) }

// Stop cancels the timer; it reports whether the timer was still pending.
func (t *Timer) Stop() bool {
	if timers[t.id] != t {
		return false
	}
	delete(timers, t.id)
	host.ClearTimer(t.id)
	return true
}

func schedule(d time.Duration, fn func(), repeat bool) (*Timer, error) {
	nextTimerID = nextTimerID%math.MaxInt32 + 1
	t := &Timer{id: nextTimerID, fn: fn}
	delay := durationMs(d)
	if repeat {
		t.repeat = max(delay, 1)
	}
	if err := host.SetTimer(t.id, delay); err != nil {
		return nil, err
	}
	timers[t.id] = t
	return t, nil
}

func durationMs(d time.Duration) uint32 {
	return uint32(min(max(d.Milliseconds(), 0), math.MaxInt32))
}

// fireTimer runs a due timer (the on-timer export); a repeating one is set again first, so a panic
// in fn does not stop it.
func fireTimer(id uint32) {
	t := timers[id]
	if t == nil {
		return
	}
	if t.repeat == 0 {
		delete(timers, id)
	} else if err := host.SetTimer(id, t.repeat); err != nil {
		delete(timers, id)
	}
	t.fn()
}
