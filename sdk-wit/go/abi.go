//go:build wasip1

package sdk

// The canonical ABI (component-model CanonicalABI.md) for the few types plugin.wit uses: strings and
// lists as (pointer, length), records and variants laid out in linear memory, results through a
// return area. go:wasmimport and go:wasmexport take and return only scalars and pointers, so this
// layer is written by hand; test/go/abi-signatures.test.ts checks every declaration against the
// core signatures jco derives from the WIT.

import "unsafe"

// pinned keeps what the host allocated with cabi_realloc (an export's string and list arguments, an
// import's returned strings and lists) reachable until the SDK has wrapped it in Go values. Go's
// collector does not move objects, so a string or slice pointing into such a buffer keeps it alive
// after the pin is dropped.
var pinned [][]byte

// emptyAlloc is where zero-byte allocations point: nothing is read or written there.
var emptyAlloc uint64

//go:wasmexport cabi_realloc
func cabiRealloc(old unsafe.Pointer, oldSize, align, newSize uint32) unsafe.Pointer {
	if newSize == 0 {
		return unsafe.Pointer(&emptyAlloc)
	}
	// Sizes that are multiples of 8 come back 8-aligned from Go's allocator, tiny objects included;
	// the WIT's types need at most 8.
	buf := make([]byte, (newSize+7)&^7)
	if old != nil && oldSize > 0 {
		copy(buf, unsafe.Slice((*byte)(old), oldSize))
	}
	pinned = append(pinned, buf)
	return unsafe.Pointer(unsafe.SliceData(buf))
}

// unpin ends a guest call: everything the host allocated during it has been turned into Go values.
func unpin() {
	clear(pinned)
	pinned = pinned[:0]
}

// retArea receives an import's results when they do not fit one core value (strings, lists,
// options, results). Imports are synchronous and never nested, so one area serves them all; a
// package-level array never moves, unlike a goroutine's stack.
var retArea [6]uint32

func retPtr() unsafe.Pointer { return unsafe.Pointer(&retArea) }

// at reads a little-endian u32 at byte offset off of the linear-memory address base.
func at(base uintptr, off uintptr) uint32 { return *(*uint32)(unsafe.Pointer(base + off)) }

func liftString(ptr, length uint32) string {
	if length == 0 {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Pointer(uintptr(ptr))), length)
}

func liftBytes(ptr, length uint32) []byte {
	if length == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(uintptr(ptr))), length)
}

// stringArg lowers a string argument: its bytes stay where Go put them (the import only reads them).
func stringArg(s string) (unsafe.Pointer, uint32) {
	return unsafe.Pointer(unsafe.StringData(s)), uint32(len(s))
}

func bytesArg(b []byte) (unsafe.Pointer, uint32) {
	return unsafe.Pointer(unsafe.SliceData(b)), uint32(len(b))
}

func boolArg(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// Results in the return area, by WIT type.

func retString() string { return liftString(retArea[0], retArea[1]) }

func retBytes() []byte { return liftBytes(retArea[0], retArea[1]) }

// retOption reads option<string>: discriminant byte, then the string at offset 4.
func retOption() (string, bool) {
	if uint8(retArea[0]) == 0 {
		return "", false
	}
	return liftString(retArea[1], retArea[2]), true
}

// retError reads the error of result<T, host-error>: discriminant byte, then the payload at offset 4
// (the host-error record: code, message).
func retError() error {
	if uint8(retArea[0]) == 0 {
		return nil
	}
	return &NylonError{Code: liftString(retArea[1], retArea[2]), Message: liftString(retArea[3], retArea[4])}
}

// retHeaders reads list<header>: 16-byte records of two strings.
func retHeaders() []header {
	base, n := uintptr(retArea[0]), retArea[1]
	out := make([]header, n)
	for i := range out {
		rec := base + uintptr(i)*16
		out[i] = header{name: liftString(at(rec, 0), at(rec, 4)), value: liftString(at(rec, 8), at(rec, 12))}
	}
	return out
}

// retStrings reads list<string>.
func retStrings() []string {
	base, n := uintptr(retArea[0]), retArea[1]
	out := make([]string, n)
	for i := range out {
		rec := base + uintptr(i)*8
		out[i] = liftString(at(rec, 0), at(rec, 4))
	}
	return out
}
