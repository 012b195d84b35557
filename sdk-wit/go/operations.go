package sdk

// Operations the plugin started (store operations, outbound calls) and what runs when each has its
// result. The host answers through the on-result export after the callback that started the
// operation has returned; the SDK runs the operation's callback right there. A request filter that
// started operations and returned without deciding is pending until a callback decides it.

import "strconv"

// opKind is the case of the WIT variant op-result, in its declaration order.
type opKind uint32

const (
	opFailed opKind = iota
	opValue
	opDone
	opCount
	opKeys
	opResponse
)

// opResult is the WIT variant op-result, lifted: the fields of its case are set.
type opResult struct {
	kind    opKind
	err     error
	value   []byte
	found   bool
	done    bool
	count   int64
	keys    []string
	status  uint16
	headers []header
	body    []byte
}

var (
	waitingOps = map[uint32]func(opResult){}
	// currentPhase is the phase whose handler, or one of whose operation callbacks, is running: the
	// operations started meanwhile are counted for it. Nil in WebSocket callbacks and timers.
	currentPhase *phaseContext
)

// startOperation starts an operation with start (a host import that returns the op id) and runs
// settle with its result later. A start the host refuses runs settle at once with that error, so a
// callback sees every failure the same way.
func startOperation(start func() (uint32, error), settle func(opResult)) {
	owner := currentPhase
	op, err := start()
	if err != nil {
		settle(opResult{kind: opFailed, err: err})
		return
	}
	if owner == nil {
		waitingOps[op] = settle
		return
	}
	owner.waiting++
	waitingOps[op] = func(r opResult) {
		completed := false
		defer func() {
			owner.waiting--
			if !completed {
				// A panicking callback fails its phase (500); the panic is not re-raised.
				host.Log(logError, "an operation callback of request "+strconv.Itoa(int(owner.req))+" failed: "+panicText(recover()))
				owner.decide(decisionFailed)
			} else if owner.waiting == 0 && owner.suspended {
				owner.decide(owner.decision)
			}
		}()
		runFor(owner, func() { settle(r) })
		completed = true
	}
}

// runFor runs fn with the operations it starts counted for phase (nil: for no phase).
func runFor(phase *phaseContext, fn func()) {
	before := currentPhase
	currentPhase = phase
	defer func() { currentPhase = before }()
	fn()
}

// guestOnResult runs the callback of operation op. A result for an op this plugin did not start is
// logged and dropped; a callback that panics outside a phase is logged.
func guestOnResult(op uint32, r opResult) {
	settle, ok := waitingOps[op]
	if !ok {
		host.Log(logWarn, "result for operation "+strconv.Itoa(int(op))+", which this plugin did not start")
		return
	}
	delete(waitingOps, op)
	defer func() {
		if rec := recover(); rec != nil {
			host.Log(logError, "callback of operation "+strconv.Itoa(int(op))+" failed: "+panicText(rec))
		}
	}()
	settle(r)
}

// unexpected is a result of the wrong case: a host/SDK mismatch, reported as a failure rather than a wrong value.
func unexpected(r opResult, wanted string) error {
	return &NylonError{Code: "NYLON_E_GUEST", Message: "expected a " + wanted + " result, got case " + strconv.Itoa(int(r.kind))}
}
