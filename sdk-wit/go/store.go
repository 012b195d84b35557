package sdk

import "time"

// The plugin's key-value store: its own namespace on the proxy's store (memory, shared by the node's
// workers; or Redis, shared by the cluster). Every operation answers later, through its callback,
// after the callback that started it has returned. Started from a request filter, the phase waits:
// call ctx.Next() or ctx.End() from the callback. A TTL of 0 means the key does not expire.

func ttlArg(ttl time.Duration) optionalMs {
	if ttl <= 0 {
		return optionalMs{}
	}
	return optionalMs{ms: uint32(min(ttl.Milliseconds(), 1<<32-1)), set: true}
}

// StoreGet reads a key: found is false for a missing key.
func StoreGet(key string, done func(value []byte, found bool, err error)) {
	startOperation(func() (uint32, error) { return host.KvGet(key) }, func(r opResult) {
		switch r.kind {
		case opValue:
			done(r.value, r.found, nil)
		case opFailed:
			done(nil, false, r.err)
		default:
			done(nil, false, unexpected(r, "value"))
		}
	})
}

// StoreSet sets a key, expiring after ttl (0: never). done may be nil.
func StoreSet(key string, value []byte, ttl time.Duration, done func(err error)) {
	startOperation(func() (uint32, error) { return host.KvSet(key, value, ttlArg(ttl)) }, func(r opResult) {
		if done != nil {
			done(r.err)
		}
	})
}

// StoreDelete removes a key; existed says whether it was there. done may be nil.
func StoreDelete(key string, done func(existed bool, err error)) {
	startOperation(func() (uint32, error) { return host.KvDelete(key) }, func(r opResult) { doneResult(r, done) })
}

// StoreIncrement adds delta to the integer at key (a missing key counts as 0), atomically across
// every process sharing the store; ttl (0: none) applies when this creates the key.
func StoreIncrement(key string, delta int64, ttl time.Duration, done func(count int64, err error)) {
	startOperation(func() (uint32, error) { return host.KvIncrement(key, delta, ttlArg(ttl)) }, func(r opResult) {
		if done == nil {
			return
		}
		switch r.kind {
		case opCount:
			done(r.count, nil)
		case opFailed:
			done(0, r.err)
		default:
			done(0, unexpected(r, "count"))
		}
	})
}

// StoreCompareAndSwap sets value only if the key holds expected (nil: only if it is absent).
func StoreCompareAndSwap(key string, expected, value []byte, ttl time.Duration, done func(swapped bool, err error)) {
	startOperation(func() (uint32, error) { return host.KvCompareAndSwap(key, expected, value, ttlArg(ttl)) }, func(r opResult) { doneResult(r, done) })
}

// StoreListKeys gives the keys starting with prefix, in byte order, at most limit (and at most 1000).
func StoreListKeys(prefix string, limit int, done func(keys []string, err error)) {
	startOperation(func() (uint32, error) { return host.KvListKeys(prefix, uint32(max(0, min(limit, 1000)))) }, func(r opResult) {
		switch r.kind {
		case opKeys:
			done(r.keys, nil)
		case opFailed:
			done(nil, r.err)
		default:
			done(nil, unexpected(r, "keys"))
		}
	})
}

func doneResult(r opResult, done func(bool, error)) {
	if done == nil {
		return
	}
	switch r.kind {
	case opDone:
		done(r.done, nil)
	case opFailed:
		done(false, r.err)
	default:
		done(false, unexpected(r, "done"))
	}
}
