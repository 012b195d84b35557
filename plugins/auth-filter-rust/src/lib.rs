//! Bearer-token (API key) authentication in the request filter, in Rust: a request without a valid
//! token gets 401 with a JSON body and never reaches the service; a valid one continues with the
//! token's subject in X-Auth-Subject. The same behaviour as plugins/auth-filter (TypeScript).
//!
//! Config: `{ "tokens": { "<token>": "<subject>" } }`; payload: `{ "realm": "<shown in WWW-Authenticate>" }`.
use std::rc::Rc;

use nylon_sdk::{Plugin, PhaseRequestFilter};
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

nylon_sdk::plugin!(register);

/// token -> subject (who the token belongs to).
type Subjects = Rc<Vec<(String, String)>>;

fn register(plugin: &mut Plugin) -> nylon_sdk::Result {
    let config: Value = plugin.config_json()?;
    let mut subjects = Vec::new();
    if let Some(tokens) = config.get("tokens").and_then(Value::as_object) {
        for (token, subject) in tokens {
            let subject = subject.as_str().ok_or("auth-filter: each token's subject must be a string")?;
            subjects.push((token.clone(), subject.to_owned()));
        }
    }
    let subjects: Subjects = Rc::new(subjects);
    plugin.add_phase_handler("auth", move |phase| {
        let subjects = Rc::clone(&subjects);
        phase.request_filter(move |ctx| authenticate(ctx, &subjects));
    });
    Ok(())
}

fn authenticate(ctx: &mut PhaseRequestFilter, subjects: &Subjects) -> nylon_sdk::Result {
    let token = ctx.request().header("authorization").as_deref().and_then(bearer_token).map(str::to_owned);
    let Some(subject) = token.as_deref().and_then(|t| subject_for(subjects, t)) else {
        let realm = ctx.get_payload_json::<Value>()?.and_then(|p| p.get("realm")?.as_str().map(str::to_owned));
        let realm: String = realm.as_deref().unwrap_or("nylon").chars().filter(|c| *c != '"' && *c != '\\').collect();
        let message = if token.is_some() { "invalid bearer token" } else { "a bearer token is required" };
        let res = ctx.response();
        res.set_status(401)?;
        res.set_header("WWW-Authenticate", &format!("Bearer realm=\"{realm}\""))?;
        res.body_json(&json!({ "error": "unauthorized", "message": message }))?;
        ctx.end();
        return Ok(());
    };
    // The upstream learns who called; a client cannot forge this header because it is overwritten here.
    ctx.request().set_header("X-Auth-Subject", &subject)?;
    ctx.next();
    Ok(())
}

/// The token of `Bearer <token>` (the scheme case-insensitive, surrounding spaces allowed).
fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, rest) = authorization.split_once(char::is_whitespace)?;
    let token = rest.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(char::is_whitespace)).then_some(token)
}

/// Compares with every known token in constant time, so the time taken does not tell how much of a
/// guess was right.
fn subject_for(subjects: &Subjects, token: &str) -> Option<String> {
    let mut found = None;
    for (known, subject) in subjects.iter() {
        if bool::from(known.as_bytes().ct_eq(token.as_bytes())) {
            found = Some(subject.clone());
        }
    }
    found
}
