package sdk

import (
	"encoding/json"
	"errors"
)

// NylonPlugin is the plugin. Register entries by the names the proxy's config uses (`entry:` of a
// middleware or plugin service) from a `func init()`, as Nylon's Go plugins do:
//
//	func init() {
//		plugin := sdk.NewNylonPlugin()
//		plugin.AddPhaseHandler("echo", func(phase *sdk.PhaseHandler) {
//			phase.RequestFilter(func(ctx *sdk.PhaseRequestFilter) { ... })
//		})
//	}
//
//	func main() {}
type NylonPlugin struct{}

// The plugin's registrations, read by the guest exports (guest.go).
var registry = struct {
	plugin       *NylonPlugin
	entryNames   []string
	entries      map[string]func(*PhaseHandler)
	initializers []func(config string) error
}{plugin: &NylonPlugin{}, entries: map[string]func(*PhaseHandler){}}

// NewNylonPlugin returns the plugin (there is one per instance; every call returns the same one).
func NewNylonPlugin() *NylonPlugin { return registry.plugin }

// Initialize registers fn to run once per instance, before any request, with the plugin's `config`
// from the proxy's YAML. Several initializers run in the order they were registered; a panic in one
// fails the plugin's start with the panic's text.
func (p *NylonPlugin) Initialize(fn func(config map[string]any)) {
	registry.initializers = append(registry.initializers, func(config string) error {
		values := map[string]any{}
		if err := json.Unmarshal([]byte(config), &values); err != nil {
			return errors.New("the plugin's config is not a JSON object: " + err.Error())
		}
		fn(values)
		return nil
	})
}

// NewInitializer adapts a function taking a typed configuration: the config is decoded into T as
// encoding/json decodes (unknown fields are ignored).
func NewInitializer[T any](fn func(config T)) func(map[string]any) {
	return func(raw map[string]any) {
		var cfg T
		data, err := json.Marshal(raw)
		if err == nil {
			err = json.Unmarshal(data, &cfg)
		}
		if err != nil {
			panic("the plugin's config does not decode: " + err.Error())
		}
		fn(cfg)
	}
}

// Shutdown is accepted so that ported Nylon plugins compile, but fn never runs: nylon replaces a
// plugin's instance (reload, failure, stop) without calling into it first.
func (p *NylonPlugin) Shutdown(fn func()) {}

// AddPhaseHandler registers an entry. fn runs once per request that reaches the entry and registers
// that request's phase handlers; variables it declares are per-request state shared by those
// handlers. fn also runs once when the plugin loads, to learn which phases the entry handles, so it
// should only register handlers.
func (p *NylonPlugin) AddPhaseHandler(entry string, fn func(phase *PhaseHandler)) {
	if _, dup := registry.entries[entry]; dup {
		panic(errors.New(`entry "` + entry + `" is registered twice`))
	}
	registry.entries[entry] = fn
	registry.entryNames = append(registry.entryNames, entry)
}
