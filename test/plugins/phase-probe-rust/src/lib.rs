//! The phase tests' probe in Rust: the same entries and answers as test/plugins/phase-probe
//! (TypeScript), so the same tests check every method of the Rust SDK through a real nylon.
use std::cell::RefCell;
use std::rc::Rc;

use nylon_sdk::{info, NylonError, Plugin};
use serde_json::{json, Map, Value};

nylon_sdk::plugin!(register);

fn code(result: Result<(), NylonError>) -> Value {
    result.err().map_or(Value::Null, |e| Value::String(e.code))
}

fn register(plugin: &mut Plugin) -> nylon_sdk::Result {
    let config: Rc<Value> = Rc::new(plugin.config_json()?);

    // Every request accessor, answered as JSON. An over-cap body is logged and left to the host (413).
    plugin.add_phase_handler("inspect", move |phase| {
        let config = Rc::clone(&config);
        phase.request_filter(move |ctx| -> nylon_sdk::Result {
            let req = ctx.request();
            let body = match req.raw_body() {
                Ok(body) => body,
                Err(error) => {
                    info!("probe body-error {}", error.code);
                    ctx.next();
                    return Ok(());
                }
            };
            let mut headers = Map::new();
            for (name, value) in req.headers().iter() {
                let joined = match headers.get(name).and_then(Value::as_str) {
                    Some(before) => format!("{before}, {value}"),
                    None => value.to_owned(),
                };
                headers.insert(name.to_lowercase(), Value::String(joined));
            }
            ctx.response().body_json(&json!({
                "method": req.method(),
                "url": req.url(),
                "path": req.path(),
                "query": req.query(),
                "queryParam": req.query_param("q").unwrap_or_default(),
                "header": req.header("x-probe").unwrap_or_default(),
                "absentHeader": req.header("x-absent").unwrap_or_default(),
                "hasAbsentHeader": req.headers().has("x-absent"),
                "headers": headers,
                "host": req.host(),
                "clientIP": req.client_ip(),
                "params": req.params(),
                // Each byte as one character, as the TypeScript probe's String.fromCharCode does.
                "body": body.iter().map(|b| char::from(*b)).collect::<String>(),
                "bodyLength": body.len(),
                "bytes": req.bytes(),
                "timestamp": req.timestamp(),
                "payload": ctx.get_payload_json::<Value>()?,
                "config": *config,
            }))?;
            ctx.end();
            Ok(())
        });
    });

    // Header validation: every attempt's error code comes back as JSON.
    plugin.add_phase_handler("header-guard", |phase| {
        phase.request_filter(|ctx| -> nylon_sdk::Result {
            let res = ctx.response();
            let attempts = json!({
                "valid": code(ctx.set_response_header("X-Valid", "fine")),
                "crlfValue": code(ctx.set_response_header("X-Split", "a\r\nSet-Cookie: evil=1")),
                "lfValue": code(res.set_header("X-Split-Lf", "a\nb")),
                "nulValue": code(res.set_header("X-Nul", "a\u{0}b")),
                "crlfName": code(res.set_header("X-Name\r\nEvil", "v")),
                "spaceName": code(res.set_header("Bad Name", "v")),
                "emptyName": code(res.set_header("", "v")),
                "requestCrlf": code(ctx.request().set_header("X-Up", "a\r\nb")),
                "statusTooLow": code(res.set_status(42)),
            });
            res.set_status(200)?;
            res.body_json(&attempts)?;
            ctx.end();
            Ok(())
        });
    });

    // Changes the request on its way up and the upstream's response on its way back.
    plugin.add_phase_handler("upstream-editor", |phase| {
        phase.request_filter(|ctx| -> nylon_sdk::Result {
            ctx.request().set_header("X-Added-By-Plugin", "yes")?;
            ctx.request().remove_header("X-Remove-Me");
            ctx.set_response_header("X-From-Request-Filter", "1")?;
            ctx.next();
            Ok(())
        });
        phase.response_filter(|ctx| -> nylon_sdk::Result {
            let res = ctx.response();
            let upstream = res.headers();
            ctx.set_response_header("X-Upstream-Status", &res.status().to_string())?;
            ctx.set_response_header("X-Upstream-Header", &upstream.get("x-upstream").unwrap_or_default())?;
            ctx.set_response_header("X-Seen-Request-Header", &ctx.get_request_header("x-probe").unwrap_or_default())?;
            let any_headers = ctx.get_request_headers().iter().next().is_some();
            ctx.set_response_header("X-Seen-Request-Headers", &any_headers.to_string())?;
            ctx.remove_response_header("X-Upstream-Secret");
            ctx.set_response_status(203)?;
            ctx.next();
            Ok(())
        });
    });

    // The body filter reads the upstream body and replaces it (multi-byte text, so bytes != characters).
    plugin.add_phase_handler("body-upper", |phase| {
        phase.response_body_filter(|ctx| {
            let res = ctx.response();
            let text = res.read_body_text();
            res.body_text(&format!("{}|seen-bytes={}", text.to_uppercase(), res.read_body().len()));
            ctx.next();
        });
    });

    // The seed's Content-Length dance, which must stay harmless.
    plugin.add_phase_handler("length-dance", |phase| {
        phase.response_filter(|ctx| {
            ctx.remove_response_header("Content-Length");
            ctx.next();
        });
        phase.response_body_filter(|ctx| {
            let res = ctx.response();
            res.body_text(&format!("{}!", res.read_body_text()));
            ctx.next();
        });
    });

    // A response filter may replace the service's body outright.
    plugin.add_phase_handler("replace-in-response-filter", |phase| {
        phase.response_filter(|ctx| {
            let res = ctx.response();
            res.body_text(&format!("replaced {}", res.status()));
            ctx.next();
        });
    });

    plugin.add_phase_handler("response-filter-throws", |phase| {
        phase.response_filter(|_| Err("probe response filter failure"));
    });

    // Per-request state shared by the entry's phases, reported by the logging phase.
    plugin.add_phase_handler("log-capture", |phase| {
        let trace = Rc::new(RefCell::new(String::new()));
        let status_in_response_filter = Rc::new(RefCell::new(0u16));
        let seen = Rc::clone(&trace);
        phase.request_filter(move |ctx| {
            *seen.borrow_mut() = ctx.request().header("x-trace").unwrap_or_default();
            ctx.next();
        });
        let status = Rc::clone(&status_in_response_filter);
        phase.response_filter(move |ctx| {
            *status.borrow_mut() = ctx.response().status();
            ctx.next();
        });
        phase.logging(move |ctx| {
            let res = ctx.response();
            let line = json!({
                "trace": *trace.borrow(),
                "statusInResponseFilter": *status_in_response_filter.borrow(),
                "status": res.status(),
                "bytes": res.bytes(),
                "duration": res.duration_ms(),
                "error": res.error().unwrap_or_default(),
                "path": ctx.request().path(),
            });
            info!("probe-log {line}");
            ctx.next();
        });
    });

    // Answers built with each body setter, chosen by ?kind=.
    plugin.add_phase_handler("answers", |phase| {
        phase.request_filter(|ctx| -> nylon_sdk::Result {
            let res = ctx.response();
            match ctx.request().query_param("kind").as_deref() {
                Some("text") => {
                    res.set_status(418)?;
                    res.body_text("héllo");
                }
                Some("json") => {
                    res.body_json(&json!({ "ok": true, "n": 1 }))?;
                }
                Some("html") => {
                    res.body_html("<p>hi</p>");
                }
                Some("raw") => {
                    res.set_header("Content-Type", "application/octet-stream")?;
                    res.body_raw(&[0, 1, 2, 255]);
                }
                Some("redirect") => {
                    res.redirect("/elsewhere", 307)?;
                }
                _ => res.set_status(204)?,
            }
            ctx.end();
            Ok(())
        });
    });

    // Returns without next() or end(): the host continues (and logs it once).
    plugin.add_phase_handler("silent", |phase| {
        phase.request_filter(|_| {});
    });

    // A plugin service that continues: there is no upstream, so the client gets 502.
    plugin.add_phase_handler("service-next", |phase| {
        phase.request_filter(|ctx| ctx.next());
    });

    plugin.add_phase_handler("throws", |phase| {
        phase.request_filter(|_| Err("probe failure"));
    });
    Ok(())
}
