//! Outbound HTTP: [`fetch`] sends a request to an origin the plugin's `allowed_outbound_hosts` lists
//! and calls `done` with the answer later (see [`Pending`](crate::Pending) for a request filter that waits).

use crate::bindings::nylon::plugin::host;
use crate::bindings::nylon::plugin::types::{Header, OpResult, OutboundRequest as WitRequest};
use crate::callback::CallbackResult;
use crate::error::NylonError;
use crate::waiting::{run_callback, start_operation, unexpected};

/// An HTTP request to send.
#[derive(Clone, Debug, Default)]
pub struct OutboundRequest {
    /// Default `GET`.
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The call's deadline; `None`, or more than the plugin's `limits.outbound_timeout_ms`, means that limit.
    pub timeout_ms: Option<u32>,
    /// Follow 3xx answers to origins that are allowed too; otherwise the 3xx is the answer.
    pub follow_redirects: bool,
}

impl OutboundRequest {
    /// A GET of `url`.
    pub fn get(url: &str) -> Self {
        OutboundRequest { method: "GET".to_owned(), url: url.to_owned(), ..Default::default() }
    }
}

/// An upstream's answer: any status (a 404 or 500 is an answer, not an error).
#[derive(Clone, Debug)]
pub struct OutboundResponse {
    pub status: u16,
    /// Lower-case names, one entry per value.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl OutboundResponse {
    /// A header's first value (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let lower = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == lower).map(|(_, v)| v.as_str())
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` and calls `done` with the answer, later. A refused host, a timeout, a response over
/// the size limit or a connection failure is `done`'s error.
pub fn fetch<R: CallbackResult>(request: OutboundRequest, done: impl FnOnce(Result<OutboundResponse, NylonError>) -> R + 'static) {
    let wit = WitRequest {
        method: if request.method.is_empty() { "GET".to_owned() } else { request.method },
        url: request.url,
        headers: request.headers.into_iter().map(|(name, value)| Header { name, value }).collect(),
        body: request.body,
        timeout_ms: request.timeout_ms,
        follow_redirects: request.follow_redirects,
    };
    start_operation(
        || host::http_request(&wit),
        move |r| {
            run_callback("fetch", || {
                done(match r {
                    OpResult::Response(resp) => Ok(OutboundResponse {
                        status: resp.status,
                        headers: resp.headers.into_iter().map(|h| (h.name, h.value)).collect(),
                        body: resp.body,
                    }),
                    OpResult::Failed(error) => Err(error.into()),
                    _ => Err(unexpected("response")),
                })
            })
        },
    );
}
