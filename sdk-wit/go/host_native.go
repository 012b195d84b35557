//go:build !wasip1

package sdk

// Outside WebAssembly (the SDK's own tests, run natively by `go test`) the host is whatever the
// test installs.
var host hostAPI
