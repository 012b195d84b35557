package sdk

// NylonError is an expected failure reported by the host: a header value with invalid characters, a
// connection that is gone, a send over the callback's budget. Code is stable (NYLON_E_...); the
// codes are listed in sdk-wit/README.md.
type NylonError struct {
	Code    string
	Message string
}

func (e *NylonError) Error() string { return e.Code + ": " + e.Message }
