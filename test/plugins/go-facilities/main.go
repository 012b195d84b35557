// What Go's standard library finds inside nylon's sandbox, reported over HTTP (entry "facilities"):
// clocks, randomness, printing, and the facilities a plugin does not have (files, network,
// environment, arguments), by the last segment of the path. .../exit ends the instance with os.Exit(7).
package main

import (
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	"math/rand"
	"net"
	"os"
	"path"
	"time"

	"nylon/sdk"
)

// loaded is when the instance started: time.Since(loaded) shows the monotonic clock moving across calls.
var loaded = time.Now()

// instanceDraw is the first number math/rand gave this instance: seeded from the host, it differs
// between instances.
var instanceDraw = rand.Int63()

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func init() {
	plugin := sdk.NewNylonPlugin()
	plugin.AddPhaseHandler("facilities", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			report := map[string]any{}
			switch path.Base(ctx.Request().Path()) {
			case "time":
				start := time.Now()
				for time.Since(start) < 2*time.Millisecond {
				}
				report["now_ms"] = time.Now().UnixMilli()
				report["since_load_ns"] = time.Since(loaded).Nanoseconds()
				report["busy_ns"] = time.Since(start).Nanoseconds()
			case "random":
				buf := make([]byte, 16)
				_, err := crand.Read(buf)
				report["crypto"] = hex.EncodeToString(buf)
				report["crypto_error"] = errText(err)
				report["instance_draw"] = instanceDraw
			case "print":
				fmt.Println("facilities: a line from fmt")
				log.Println("facilities: a line from log")
				fmt.Print("facilities: a line in ")
				fmt.Print("two writes\n")
			case "absent":
				_, err := os.ReadFile("/etc/hostname")
				report["read_file"] = errText(err)
				_, err = os.Create("plugin.txt")
				report["create_file"] = errText(err)
				_, err = net.Dial("tcp", "127.0.0.1:80")
				report["dial"] = errText(err)
				report["env_home"] = os.Getenv("HOME")
				report["environ"] = len(os.Environ())
				report["args"] = len(os.Args)
				_, err = os.Stdin.Read(make([]byte, 1))
				report["stdin"] = errText(err)
			case "exit":
				os.Exit(7)
			}
			ctx.Response().BodyJSON(report)
			ctx.End()
		})
	})
}

func main() {}
