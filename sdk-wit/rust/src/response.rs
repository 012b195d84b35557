use crate::bindings::nylon::plugin::host;
use crate::error::{host_result, NylonError};
use crate::request::Headers;

/// The response: built by the plugin (then `end`), or the upstream's in later phases.
#[derive(Clone, Copy, Debug)]
pub struct Response {
    req: u32,
}

impl Response {
    pub(crate) fn new(req: u32) -> Self {
        Response { req }
    }

    /// 100–999.
    pub fn set_status(&self, status: u16) -> Result<(), NylonError> {
        host_result(host::response_set_status(self.req, status))
    }

    /// Sets (replaces) a header; CR, LF and other invalid characters are refused.
    pub fn set_header(&self, name: &str, value: &str) -> Result<(), NylonError> {
        host_result(host::response_set_header(self.req, name, value))
    }

    pub fn remove_header(&self, name: &str) {
        host::response_remove_header(self.req, name);
    }

    pub fn body_raw(&self, body: &[u8]) -> &Self {
        host::response_set_body(self.req, body);
        self
    }

    /// The body as text/plain; charset=utf-8.
    pub fn body_text(&self, text: &str) -> &Self {
        self.body_with_type("text/plain; charset=utf-8", text.as_bytes())
    }

    /// The body as text/html; charset=utf-8.
    pub fn body_html(&self, html: &str) -> &Self {
        self.body_with_type("text/html; charset=utf-8", html.as_bytes())
    }

    pub(crate) fn body_with_type(&self, content_type: &str, body: &[u8]) -> &Self {
        // A constant, valid header: the host cannot refuse it.
        let _ = self.set_header("Content-Type", content_type);
        self.body_raw(body)
    }

    /// Status (e.g. 302) and Location, with an empty body; the caller still calls `end`.
    pub fn redirect(&self, url: &str, status: u16) -> Result<&Self, NylonError> {
        self.set_status(status)?;
        self.set_header("Location", url)?;
        Ok(self.body_raw(&[]))
    }

    /// The body as it stands in this phase (in the body filter: the upstream's whole body).
    pub fn read_body(&self) -> Vec<u8> {
        host::response_body(self.req)
    }

    /// The body as text (invalid UTF-8 replaced by U+FFFD).
    pub fn read_body_text(&self) -> String {
        String::from_utf8_lossy(&self.read_body()).into_owned()
    }

    pub fn status(&self) -> u16 {
        host::response_status(self.req)
    }

    pub fn headers(&self) -> Headers {
        Headers::from_host(host::response_headers(self.req))
    }

    /// Body bytes sent (logging phase) or set.
    pub fn bytes(&self) -> u64 {
        host::response_bytes(self.req)
    }

    /// Milliseconds since the request arrived.
    pub fn duration_ms(&self) -> u64 {
        host::response_duration_ms(self.req)
    }

    /// Why the request failed (logging phase), or `None`.
    pub fn error(&self) -> Option<String> {
        host::response_error(self.req)
    }

    /// Sends the status and headers set so far and streams the body (chunked), e.g. server-sent
    /// events; request filter of an HTTP request only. The stream may be written later, from a timer.
    pub fn stream(&self) -> Result<ResponseStream, NylonError> {
        host_result(host::response_stream_start(self.req))?;
        Ok(ResponseStream { req: self.req })
    }
}

/// A streamed (chunked) response; each write is sent at once.
#[derive(Clone, Copy, Debug)]
pub struct ResponseStream {
    req: u32,
}

impl ResponseStream {
    pub fn write(&self, chunk: &[u8]) -> Result<(), NylonError> {
        host_result(host::response_stream_write(self.req, chunk))
    }

    pub fn write_text(&self, chunk: &str) -> Result<(), NylonError> {
        self.write(chunk.as_bytes())
    }

    /// The stream is complete; the request finishes.
    pub fn end(&self) -> Result<(), NylonError> {
        host_result(host::response_stream_end(self.req))
    }
}
