use std::collections::HashMap;

use crate::bindings::nylon::plugin::host;
use crate::bindings::nylon::plugin::types::Header;
use crate::error::{host_result, NylonError};

/// Headers as the host lists them, one pair per value; names are compared case-insensitively.
#[derive(Clone, Debug, Default)]
pub struct Headers {
    pairs: Vec<(String, String)>,
}

impl Headers {
    pub(crate) fn from_host(list: Vec<Header>) -> Self {
        Headers { pairs: list.into_iter().map(|h| (h.name, h.value)).collect() }
    }

    /// The header's values joined with ", ", or `None` when absent.
    pub fn get(&self, name: &str) -> Option<String> {
        let mut values = self.get_all(name);
        let first = values.next()?;
        Some(values.fold(first.to_owned(), |joined, v| joined + ", " + v))
    }

    /// Every value of the header, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.get_all(name).next().is_some()
    }

    /// Every (name, value) pair, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// The client's request, as the host sees it in the current phase.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    req: u32,
}

impl Request {
    pub(crate) fn new(req: u32) -> Self {
        Request { req }
    }

    /// `scheme://host[:port]/path?query`.
    pub fn url(&self) -> String {
        host::request_url(self.req)
    }

    /// The path, without the query.
    pub fn path(&self) -> String {
        host::request_path(self.req)
    }

    /// The raw query string, without "?".
    pub fn query(&self) -> String {
        host::request_query(self.req)
    }

    /// The first value of query parameter `name`, decoded; `None` when absent.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query();
        form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
    }

    /// The route's path parameters, percent-decoded.
    pub fn params(&self) -> HashMap<String, String> {
        host::request_params(self.req).into_iter().map(|h| (h.name, h.value)).collect()
    }

    /// One header (case-insensitive; several values joined with ", "), or `None` when absent.
    pub fn header(&self, name: &str) -> Option<String> {
        host::request_header(self.req, name)
    }

    pub fn headers(&self) -> Headers {
        Headers::from_host(host::request_headers(self.req))
    }

    pub fn method(&self) -> String {
        host::request_method(self.req)
    }

    /// The Host, without the port.
    pub fn host(&self) -> String {
        host::request_host(self.req)
    }

    /// The client's address (X-Forwarded-For only from the proxy's `trusted_proxies`).
    pub fn client_ip(&self) -> String {
        host::request_client_ip(self.req)
    }

    /// The whole request body. Over the proxy's cap it is `NYLON_E_BODY_TOO_LARGE` (the client gets 413).
    pub fn raw_body(&self) -> Result<Vec<u8>, NylonError> {
        host_result(host::request_body(self.req))
    }

    /// The body's length (Content-Length when the body was not read).
    pub fn bytes(&self) -> u64 {
        host::request_bytes(self.req)
    }

    /// Milliseconds since the epoch when the request arrived.
    pub fn timestamp(&self) -> u64 {
        host::request_timestamp_ms(self.req)
    }

    /// Sets a header on the request that goes upstream.
    pub fn set_header(&self, name: &str, value: &str) -> Result<(), NylonError> {
        host_result(host::request_set_header(self.req, name, value))
    }

    pub fn remove_header(&self, name: &str) {
        host::request_remove_header(self.req, name);
    }
}
