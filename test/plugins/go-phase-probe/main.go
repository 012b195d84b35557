// The Go twin of test/plugins/phase-probe: the same entries with the same answers, so the phase tests
// check every SDK method of both languages through a real nylon (and, for Go, every host function
// through the hand-written canonical ABI).
package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"nylon/sdk"
)

var initConfig map[string]any

// code is a host error's code, or nil (JSON null) when the call succeeded.
func code(err error) any {
	if err == nil {
		return nil
	}
	return err.(*sdk.NylonError).Code
}

// latin1 reads bytes one character each, as the TypeScript probe's String.fromCharCode does.
func latin1(b []byte) string {
	runes := make([]rune, len(b))
	for i, c := range b {
		runes[i] = rune(c)
	}
	return string(runes)
}

type probeLog struct {
	Trace                  string `json:"trace"`
	StatusInResponseFilter int    `json:"statusInResponseFilter"`
	Status                 int    `json:"status"`
	Bytes                  int64  `json:"bytes"`
	Duration               int64  `json:"duration"`
	Error                  string `json:"error"`
	Path                   string `json:"path"`
}

func init() {
	plugin := sdk.NewNylonPlugin()
	plugin.Initialize(func(config map[string]any) { initConfig = config })

	// Every request accessor, answered as JSON. An over-cap body is logged and left to the host (413).
	plugin.AddPhaseHandler("inspect", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			req := ctx.Request()
			body, err := req.Body()
			if err != nil {
				fmt.Println("probe body-error " + err.(*sdk.NylonError).Code)
				ctx.Next()
				return
			}
			var payload any
			ctx.DecodePayload(&payload)
			_, hasAbsent := req.Headers().GetAll()["x-absent"]
			ctx.Response().BodyJSON(map[string]any{
				"method":          req.Method(),
				"url":             req.URL(),
				"path":            req.Path(),
				"query":           req.Query(),
				"queryParam":      req.QueryParam("q"),
				"header":          req.Header("x-probe"),
				"absentHeader":    req.Header("x-absent"),
				"hasAbsentHeader": hasAbsent,
				"headers":         req.Headers().GetAll(),
				"host":            req.Host(),
				"clientIP":        req.ClientIP(),
				"params":          req.Params(),
				"body":            latin1(body),
				"bodyLength":      len(body),
				"bytes":           req.Bytes(),
				"timestamp":       req.Timestamp(),
				"payload":         payload,
				"config":          initConfig,
			})
			ctx.End()
		})
	})

	// Header validation: every attempt's error code comes back as JSON.
	plugin.AddPhaseHandler("header-guard", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			res := ctx.Response()
			attempts := map[string]any{
				"valid":        code(ctx.SetResponseHeader("X-Valid", "fine")),
				"crlfValue":    code(ctx.SetResponseHeader("X-Split", "a\r\nSet-Cookie: evil=1")),
				"lfValue":      code(res.SetHeader("X-Split-Lf", "a\nb")),
				"nulValue":     code(res.SetHeader("X-Nul", "a\x00b")),
				"crlfName":     code(res.SetHeader("X-Name\r\nEvil", "v")),
				"spaceName":    code(res.SetHeader("Bad Name", "v")),
				"emptyName":    code(res.SetHeader("", "v")),
				"requestCrlf":  code(ctx.Request().SetHeader("X-Up", "a\r\nb")),
				"statusTooLow": code(res.SetStatus(42)),
			}
			res.SetStatus(200)
			res.BodyJSON(attempts)
			ctx.End()
		})
	})

	// Changes the request on its way up and the upstream's response on its way back.
	plugin.AddPhaseHandler("upstream-editor", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			ctx.Request().SetHeader("X-Added-By-Plugin", "yes")
			ctx.Request().RemoveHeader("X-Remove-Me")
			ctx.SetResponseHeader("X-From-Request-Filter", "1")
			ctx.Next()
		})
		phase.ResponseFilter(func(ctx *sdk.PhaseResponseFilter) {
			res := ctx.Response()
			upstream := res.Headers()
			ctx.SetResponseHeader("X-Upstream-Status", strconv.Itoa(res.Status()))
			ctx.SetResponseHeader("X-Upstream-Header", upstream["x-upstream"])
			ctx.SetResponseHeader("X-Seen-Request-Header", ctx.GetRequestHeader("x-probe"))
			ctx.SetResponseHeader("X-Seen-Request-Headers", strconv.FormatBool(len(ctx.GetRequestHeaders()) > 0))
			ctx.RemoveResponseHeader("X-Upstream-Secret")
			ctx.SetResponseStatus(203)
			ctx.Next()
		})
	})

	// The body filter reads the upstream body and replaces it (multi-byte text, so bytes != characters).
	plugin.AddPhaseHandler("body-upper", func(phase *sdk.PhaseHandler) {
		phase.ResponseBodyFilter(func(ctx *sdk.PhaseResponseBodyFilter) {
			res := ctx.Response()
			text := string(res.ReadBody())
			res.BodyText(strings.ToUpper(text) + "|seen-bytes=" + strconv.Itoa(len(res.ReadBody())))
			ctx.Next()
		})
	})

	// The seed's Content-Length dance, which must stay harmless.
	plugin.AddPhaseHandler("length-dance", func(phase *sdk.PhaseHandler) {
		phase.ResponseFilter(func(ctx *sdk.PhaseResponseFilter) {
			ctx.RemoveResponseHeader("Content-Length")
			ctx.Next()
		})
		phase.ResponseBodyFilter(func(ctx *sdk.PhaseResponseBodyFilter) {
			ctx.Response().BodyText(string(ctx.Response().ReadBody()) + "!")
			ctx.Next()
		})
	})

	// A response filter may replace the service's body outright.
	plugin.AddPhaseHandler("replace-in-response-filter", func(phase *sdk.PhaseHandler) {
		phase.ResponseFilter(func(ctx *sdk.PhaseResponseFilter) {
			ctx.Response().BodyText("replaced " + strconv.Itoa(ctx.Response().Status()))
			ctx.Next()
		})
	})

	plugin.AddPhaseHandler("response-filter-throws", func(phase *sdk.PhaseHandler) {
		phase.ResponseFilter(func(ctx *sdk.PhaseResponseFilter) {
			panic("probe response filter failure")
		})
	})

	// Per-request state in the registration closure, reported by the logging phase.
	plugin.AddPhaseHandler("log-capture", func(phase *sdk.PhaseHandler) {
		trace := ""
		statusInResponseFilter := 0
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			trace = ctx.Request().Header("x-trace")
			ctx.Next()
		})
		phase.ResponseFilter(func(ctx *sdk.PhaseResponseFilter) {
			statusInResponseFilter = ctx.Response().Status()
			ctx.Next()
		})
		phase.Logging(func(ctx *sdk.PhaseLogging) {
			res := ctx.Response()
			line, _ := json.Marshal(probeLog{trace, statusInResponseFilter, res.Status(), res.Bytes(), res.Duration(), res.Error(), ctx.Request().Path()})
			fmt.Println("probe-log " + string(line))
			ctx.Next()
		})
	})

	// Answers built with each body setter, chosen by ?kind=.
	plugin.AddPhaseHandler("answers", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {
			res := ctx.Response()
			switch ctx.Request().QueryParam("kind") {
			case "text":
				res.SetStatus(418)
				res.BodyText("héllo")
			case "json":
				res.BodyJSON(map[string]any{"ok": true, "n": 1})
			case "html":
				res.BodyHTML("<p>hi</p>")
			case "raw":
				res.SetHeader("Content-Type", "application/octet-stream")
				res.BodyRaw([]byte{0, 1, 2, 255})
			case "redirect":
				res.Redirect("/elsewhere", 307)
			default:
				res.SetStatus(204)
			}
			ctx.End()
		})
	})

	// Returns without Next() or End(): the host continues (and logs it once).
	plugin.AddPhaseHandler("silent", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) {})
	})

	// A plugin service that continues: there is no upstream, so the client gets 502.
	plugin.AddPhaseHandler("service-next", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) { ctx.Next() })
	})

	plugin.AddPhaseHandler("throws", func(phase *sdk.PhaseHandler) {
		phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) { panic("probe failure") })
	})
}

func main() {}
