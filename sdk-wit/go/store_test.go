//go:build !wasip1

package sdk

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestPhaseWaitsForStoreAndResumesFromTheCallback(t *testing.T) {
	f := useFakeHost(t)
	var plugin NylonPlugin
	plugin.AddPhaseHandler("count", func(phase *PhaseHandler) {
		phase.RequestFilter(func(ctx *PhaseRequestFilter) {
			StoreIncrement("hits", 1, time.Minute, func(count int64, err error) {
				if err != nil || count > 2 {
					ctx.End()
					return
				}
				ctx.Next()
			})
		})
	})
	guestEntries()
	if got := guestOnPhase(7, 0, phaseRequestFilter); got != decisionPending {
		t.Fatalf("on-phase = %d, want pending", got)
	}
	if got := f.effects(); !slices.Equal(got, []string{"kv-increment hits 1 ttl=60000/true -> op 1"}) {
		t.Fatalf("effects %q", got)
	}
	guestOnResult(1, opResult{kind: opCount, count: 3})
	if got := f.effects(); !slices.Equal(got, []string{"resume-phase 7 2"}) {
		t.Fatalf("effects after the result %q", got)
	}
}

func TestRefusedStartAnswersAtOnceAndDecidesInPlace(t *testing.T) {
	f := useFakeHost(t)
	f.failNext["HTTPRequest"] = &NylonError{Code: "NYLON_E_OUTBOUND_REFUSED", Message: "not allowed"}
	var plugin NylonPlugin
	plugin.AddPhaseHandler("call", func(phase *PhaseHandler) {
		phase.RequestFilter(func(ctx *PhaseRequestFilter) {
			Fetch(OutboundRequest{URL: "http://elsewhere.test/"}, func(resp *OutboundResponse, err error) {
				var nerr *NylonError
				if errors.As(err, &nerr) && nerr.Code == "NYLON_E_OUTBOUND_REFUSED" {
					ctx.End()
				}
			})
		})
	})
	guestEntries()
	if got := guestOnPhase(1, 0, phaseRequestFilter); got != decisionEnd {
		t.Fatalf("on-phase = %d, want end (decided in the callback, at once)", got)
	}
}

func TestChainedOperationsKeepThePhasePendingAndAPanicFailsIt(t *testing.T) {
	f := useFakeHost(t)
	var plugin NylonPlugin
	plugin.AddPhaseHandler("chain", func(phase *PhaseHandler) {
		phase.RequestFilter(func(ctx *PhaseRequestFilter) {
			StoreGet("a", func(value []byte, found bool, err error) {
				StoreSet("b", value, 0, func(err error) { panic("boom") })
			})
		})
	})
	guestEntries()
	if got := guestOnPhase(3, 0, phaseRequestFilter); got != decisionPending {
		t.Fatalf("on-phase = %d, want pending", got)
	}
	guestOnResult(1, opResult{kind: opValue, value: []byte("v"), found: true})
	if got := f.effects(); !slices.Equal(got, []string{"kv-get a -> op 1", `kv-set b "v" ttl=0/false -> op 2`}) {
		t.Fatalf("the first callback started the second operation without deciding: %q", got)
	}
	guestOnResult(2, opResult{kind: opDone, done: true})
	got := f.effects()
	if len(got) != 2 || got[1] != "resume-phase 3 3" {
		t.Fatalf("a panicking callback fails the phase: %q", got)
	}
}
