//go:build wasip1

package sdk

// The component's exports: the WIT `guest` interface, lifted by hand (see abi.go) and handed to the
// typed functions of guest.go. Every export ends by dropping the pins of what the host allocated.

import (
	"bytes"
	"strings"
	"unsafe"
)

// What an export returns through memory stays referenced here until the next export call: the host
// reads it after the call returns, before any Go code runs again.
var (
	initResult    [3]uint32 // result<_, string>: discriminant, error text
	initErrorText string
	entriesResult [2]uint32 // list<entry-info>
	entryRecords  []entryRecord
	entryInfos    []entryInfo // what entryRecords points into
)

// entryRecord is the WIT record entry-info in memory: name (string), phases (list<phase>, one byte each).
type entryRecord struct {
	namePtr, nameLen, phasesPtr, phasesLen uint32
}

//go:wasmexport nylon:plugin/guest@0.3.0#init
func exportInit(configPtr, configLen uint32) unsafe.Pointer {
	defer unpin()
	initErrorText = ""
	initResult = [3]uint32{}
	if err := guestInit(liftString(configPtr, configLen)); err != nil {
		initErrorText = err.Error()
		p, n := stringArg(initErrorText)
		initResult = [3]uint32{1, uint32(uintptr(p)), n}
	}
	return unsafe.Pointer(&initResult)
}

//go:wasmexport nylon:plugin/guest@0.3.0#entries
func exportEntries() unsafe.Pointer {
	defer unpin()
	infos := guestEntries()
	entryInfos = infos
	entryRecords = make([]entryRecord, len(infos))
	for i, info := range infos {
		np, nn := stringArg(info.name)
		pp, pn := bytesArg(info.phases)
		entryRecords[i] = entryRecord{uint32(uintptr(np)), nn, uint32(uintptr(pp)), pn}
	}
	entriesResult = [2]uint32{uint32(uintptr(unsafe.Pointer(unsafe.SliceData(entryRecords)))), uint32(len(entryRecords))}
	return unsafe.Pointer(&entriesResult)
}

//go:wasmexport nylon:plugin/guest@0.3.0#on-phase
func exportOnPhase(req, entry, phase uint32) uint32 {
	defer unpin()
	return uint32(guestOnPhase(req, entry, phaseID(phase)))
}

//go:wasmexport nylon:plugin/guest@0.3.0#on-request-end
func exportOnRequestEnd(req uint32) {
	defer unpin()
	guestOnRequestEnd(req)
}

//go:wasmexport nylon:plugin/guest@0.3.0#ws-on-open
func exportWsOnOpen(conn uint32) {
	defer unpin()
	guestWsOpen(conn)
}

//go:wasmexport nylon:plugin/guest@0.3.0#ws-on-message-text
func exportWsOnMessageText(conn, msgPtr, msgLen uint32) {
	defer unpin()
	guestWsText(conn, liftString(msgPtr, msgLen))
}

//go:wasmexport nylon:plugin/guest@0.3.0#ws-on-message-binary
func exportWsOnMessageBinary(conn, dataPtr, dataLen uint32) {
	defer unpin()
	guestWsBinary(conn, liftBytes(dataPtr, dataLen))
}

//go:wasmexport nylon:plugin/guest@0.3.0#ws-on-close
func exportWsOnClose(conn, code, reasonPtr, reasonLen uint32) {
	defer unpin()
	guestWsClose(conn, uint16(code), liftString(reasonPtr, reasonLen))
}

//go:wasmexport nylon:plugin/guest@0.3.0#ws-on-error
func exportWsOnError(conn, errPtr, errLen uint32) {
	defer unpin()
	guestWsError(conn, liftString(errPtr, errLen))
}

//go:wasmexport nylon:plugin/guest@0.3.0#on-timer
func exportOnTimer(id uint32) {
	defer unpin()
	guestOnTimer(id)
}

// exportOnResult lifts op-result, flattened: its case, then the payload slots joined over the cases
// (an i64, the widest first slot, for count's s64; then four i32s). What it hands on is copied out of
// the memory the host wrote, which is released when the export returns.
//
//go:wasmexport nylon:plugin/guest@0.3.0#on-result
func exportOnResult(op, kind uint32, p0 uint64, p1, p2, p3, p4 uint32) {
	defer unpin()
	r := opResult{kind: opKind(kind)}
	switch r.kind {
	case opFailed:
		r.err = &NylonError{Code: strings.Clone(liftString(uint32(p0), p1)), Message: strings.Clone(liftString(p2, p3))}
	case opValue:
		if r.found = p0 != 0; r.found {
			r.value = bytes.Clone(liftBytes(p1, p2))
		}
	case opDone:
		r.done = p0 != 0
	case opCount:
		r.count = int64(p0)
	case opKeys:
		r.keys = make([]string, p1)
		for i := range r.keys {
			rec := uintptr(p0) + uintptr(i)*8
			r.keys[i] = strings.Clone(liftString(at(rec, 0), at(rec, 4)))
		}
	case opResponse:
		r.status = uint16(p0)
		r.headers = make([]header, p2)
		for i := range r.headers {
			rec := uintptr(p1) + uintptr(i)*16
			r.headers[i] = header{name: strings.Clone(liftString(at(rec, 0), at(rec, 4))), value: strings.Clone(liftString(at(rec, 8), at(rec, 12)))}
		}
		r.body = bytes.Clone(liftBytes(p3, p4))
	}
	guestOnResult(op, r)
}

// ws-event cases, in the WIT variant's order.
const (
	wsEventOpen = iota
	wsEventText
	wsEventBinary
	wsEventClose
	wsEventError
)

// exportWsOnEvents lifts list<ws-event>: 20-byte variants, a discriminant byte and the case's tuple at
// offset 4 (connection u32 first; close carries a u16 code at 8 and its reason at 12).
//
//go:wasmexport nylon:plugin/guest@0.3.0#ws-on-events
func exportWsOnEvents(eventsPtr, count uint32) {
	defer unpin()
	for i := uintptr(0); i < uintptr(count); i++ {
		ev := uintptr(eventsPtr) + i*20
		conn := at(ev, 4)
		switch uint8(at(ev, 0)) {
		case wsEventOpen:
			guestWsOpen(conn)
		case wsEventText:
			guestWsText(conn, liftString(at(ev, 8), at(ev, 12)))
		case wsEventBinary:
			guestWsBinary(conn, liftBytes(at(ev, 8), at(ev, 12)))
		case wsEventClose:
			guestWsClose(conn, uint16(at(ev, 8)), liftString(at(ev, 12), at(ev, 16)))
		case wsEventError:
			guestWsError(conn, liftString(at(ev, 8), at(ev, 12)))
		}
	}
}
