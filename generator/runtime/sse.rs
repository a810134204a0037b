//! Server-sent events: a `text/event-stream` body read by the WHATWG
//! rules, as a stream of typed events.
//!
//! Written here rather than taken from a crate: the rules say that an event
//! cut off by the end of the body is dropped without a word, and a client
//! must tell its caller that the stream was cut short instead; the parser is
//! also a hundred lines with no dependency that every generated crate would
//! compile.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;

use super::{Bytes, DecodeError, Error, HeaderMap, RawResponse, StatusCode};

/// The data that ends a stream without being an event of it (OpenAI's
/// `data: [DONE]`).
pub const DONE: &str = "[DONE]";

/// One event of a stream, with its data decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event's name: its `event:` field, `message` when it has none.
    pub event: String,
    /// The last `id:` the stream sent, at this event or before it.
    pub id: Option<String>,
    /// The reconnection time the stream last asked for (`retry:`).
    pub retry: Option<Duration>,
    /// The event's `data`, decoded.
    pub data: T,
}

/// An event as the stream writes it, its data not yet decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    pub event: String,
    pub id: Option<String>,
    pub retry: Option<Duration>,
    pub data: String,
}

/// Why a stream of events failed after it started.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamError {
    /// The server sent an event named `error`; its data as sent.
    ErrorEvent(String),
    /// The body ended in the middle of an event, before the blank line that
    /// ends it.
    Truncated,
    /// No byte came within the idle timeout.
    Idle(Duration),
    /// One event grew past the client's body limit (`max_response_body`).
    EventTooLarge(usize),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::ErrorEvent(data) => {
                let short: String = data.chars().take(200).collect();
                write!(f, "the server sent an error event: {short}")
            }
            StreamError::Truncated => f.write_str("the event stream ended in the middle of an event"),
            StreamError::Idle(after) => write!(f, "no event data within the idle timeout of {after:?}"),
            StreamError::EventTooLarge(limit) => write!(f, "an event of the stream is larger than the limit of {limit} bytes"),
        }
    }
}

impl std::error::Error for StreamError {}

/// The WHATWG event-stream parser: bytes in, events out. Lines end at CR,
/// LF or CRLF (also when a chunk ends between the CR and the LF), a BOM at
/// the very start is skipped, `:` starts a comment, `data` lines join with
/// LF, `id` holds no NUL, `retry` is digits only, an unknown field is
/// ignored, and a blank line ends an event (one without data is none).
#[derive(Debug, Default)]
pub struct Parser {
    line: Vec<u8>,
    started: bool,
    after_cr: bool,
    event: String,
    data: String,
    has_data: bool,
    /// Whether a field of an event not yet ended has been read.
    pending: bool,
    id: Option<String>,
    retry: Option<Duration>,
    limit: Option<usize>,
}

impl Parser {
    /// A parser that fails when one event (or line) grows past `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        Parser { limit: Some(limit), ..Parser::default() }
    }

    /// Reads `chunk` and adds the events it ends to `out`.
    pub fn feed(&mut self, mut chunk: &[u8], out: &mut VecDeque<RawEvent>) -> Result<(), StreamError> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        if !self.started {
            // `line` holds what may be the start of a BOM, which may itself
            // arrive split across chunks.
            let take = BOM.len().saturating_sub(self.line.len()).min(chunk.len());
            let (head, rest) = chunk.split_at(take);
            self.line.extend_from_slice(head);
            chunk = rest;
            if BOM.starts_with(&self.line) {
                if self.line.len() < BOM.len() {
                    return Ok(());
                }
                self.line.clear();
                self.started = true;
            } else {
                self.started = true;
                let held = std::mem::take(&mut self.line);
                self.bytes(&held, out);
            }
        }
        self.bytes(chunk, out);
        match self.limit {
            Some(limit) if self.line.len().saturating_add(self.data.len()) > limit => Err(StreamError::EventTooLarge(limit)),
            _ => Ok(()),
        }
    }

    fn bytes(&mut self, bytes: &[u8], out: &mut VecDeque<RawEvent>) {
        for &byte in bytes {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\r' | b'\n' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    self.line_ended(&line, out);
                }
                _ => {
                    self.after_cr = false;
                    self.line.push(byte);
                }
            }
        }
    }

    /// The body has ended: an error when it ended inside an event.
    pub fn finish(&mut self) -> Result<(), StreamError> {
        if !self.line.is_empty() || self.pending { Err(StreamError::Truncated) } else { Ok(()) }
    }

    fn line_ended(&mut self, line: &[u8], out: &mut VecDeque<RawEvent>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.first() == Some(&b':') {
            return;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => {
                value.clone_into(&mut self.event);
                self.pending = true;
            }
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
                self.pending = true;
            }
            "id" if !value.contains('\0') => {
                self.id = Some(value.to_owned()).filter(|id| !id.is_empty());
                self.pending = true;
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(millis) = value.parse::<u64>() {
                    self.retry = Some(Duration::from_millis(millis));
                }
                self.pending = true;
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        let event = std::mem::take(&mut self.event);
        let data = std::mem::take(&mut self.data);
        let has_data = std::mem::replace(&mut self.has_data, false);
        self.pending = false;
        if !has_data {
            return;
        }
        let event = if event.is_empty() { "message".to_owned() } else { event };
        out.push_back(RawEvent { event, id: self.id.clone(), retry: self.retry, data });
    }
}

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// The body of `response`, chunk by chunk as it arrives.
fn chunks(response: reqwest::Response) -> Chunks {
    Box::pin(futures_util::stream::unfold(response, |mut response| async move {
        response.chunk().await.transpose().map(|chunk| (chunk, response))
    }))
}

/// A stream of typed events: each item is an [`Event`] whose data decoded
/// into `T`, or the error that ended the stream. It ends after the server's
/// [`DONE`] or at the end of the body; dropping it closes the connection.
pub struct EventStream<T> {
    chunks: Option<Chunks>,
    parser: Parser,
    ready: VecDeque<RawEvent>,
    idle: Option<Duration>,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    status: StatusCode,
    headers: HeaderMap,
    decode: Decoder<T>,
}

/// Decodes one event's data, or says where in it decoding failed.
type Decoder<T> = fn(&[u8]) -> Result<T, (String, serde_json::Error)>;

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("status", &self.status).field("open", &self.chunks.is_some()).finish_non_exhaustive()
    }
}

fn decode_json<T: serde::de::DeserializeOwned>(data: &[u8]) -> Result<T, (String, serde_json::Error)> {
    let mut deserializer = serde_json::Deserializer::from_slice(data);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| (e.path().to_string(), e.into_inner()))
}

impl<T: serde::de::DeserializeOwned> EventStream<T> {
    /// The events of a response whose status was a success; `idle` is the
    /// longest wait for the next bytes, `limit` the largest event.
    pub(crate) fn new(response: reqwest::Response, idle: Option<Duration>, limit: usize) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        EventStream {
            chunks: Some(chunks(response)),
            parser: Parser::with_limit(limit),
            ready: VecDeque::new(),
            idle,
            timer: None,
            status,
            headers,
            decode: decode_json::<T>,
        }
    }

    /// A stream of the events in `body`, as if a server had sent it: for
    /// tests of code that reads streams, with an [`Api`](super::super::Api)
    /// of their own.
    pub fn from_body(body: impl Into<Bytes>) -> Self {
        let body: Bytes = body.into();
        let chunks: Chunks = Box::pin(futures_util::stream::iter([Ok(body)]));
        EventStream {
            chunks: Some(chunks),
            parser: Parser::default(),
            ready: VecDeque::new(),
            idle: None,
            timer: None,
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            decode: decode_json::<T>,
        }
    }
}

impl<T> EventStream<T> {
    /// The status of the response the events came in.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response the events came in.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    fn event(&self, raw: RawEvent) -> Result<Event<T>, Error> {
        if raw.event == "error" {
            return Err(Error::Stream(StreamError::ErrorEvent(raw.data)));
        }
        match (self.decode)(raw.data.as_bytes()) {
            Ok(data) => Ok(Event { event: raw.event, id: raw.id, retry: raw.retry, data }),
            Err((path, source)) => {
                let raw = RawResponse { status: self.status, headers: self.headers.clone(), body: Bytes::from(raw.data) };
                Err(Error::Decode(DecodeError { raw: Box::new(raw), path, source }))
            }
        }
    }

    /// Ends the stream: no more items, and the connection is closed.
    fn close(&mut self) {
        self.chunks = None;
        self.timer = None;
        self.ready.clear();
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(raw) = this.ready.pop_front() {
                if raw.data == DONE {
                    this.close();
                    return Poll::Ready(None);
                }
                let item = this.event(raw);
                if item.is_err() {
                    this.close();
                }
                return Poll::Ready(Some(item));
            }
            let Some(chunks) = this.chunks.as_mut() else { return Poll::Ready(None) };
            let polled = chunks.as_mut().poll_next(cx);
            let outcome = match polled {
                Poll::Ready(Some(Ok(chunk))) => {
                    this.timer = None;
                    this.parser.feed(&chunk, &mut this.ready).map_err(Error::Stream)
                }
                Poll::Ready(Some(Err(error))) => Err(Error::Transport(error)),
                Poll::Ready(None) => {
                    let end = this.parser.finish().map_err(Error::Stream);
                    this.chunks = None;
                    match end {
                        // The events the last chunk ended come first.
                        Ok(()) => continue,
                        Err(error) => Err(error),
                    }
                }
                Poll::Pending => {
                    let Some(idle) = this.idle else { return Poll::Pending };
                    let timer = this.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                    match timer.as_mut().poll(cx) {
                        Poll::Ready(()) => Err(Error::Stream(StreamError::Idle(idle))),
                        Poll::Pending => return Poll::Pending,
                    }
                }
            };
            if let Err(error) = outcome {
                this.close();
                return Poll::Ready(Some(Err(error)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> (Vec<RawEvent>, Result<(), StreamError>) {
        let mut parser = Parser::default();
        let mut out = VecDeque::new();
        for chunk in chunks {
            if let Err(e) = parser.feed(chunk, &mut out) {
                return (out.into(), Err(e));
            }
        }
        let end = parser.finish();
        (out.into(), end)
    }

    fn event(name: &str, id: Option<&str>, data: &str) -> RawEvent {
        RawEvent { event: name.to_owned(), id: id.map(str::to_owned), retry: None, data: data.to_owned() }
    }

    #[test]
    fn fields_comments_and_multi_line_data() {
        let body = b": a comment\nevent: delta\nid: 7\ndata: first\ndata:second\ndata\nunknown: x\n\ndata: next\n\n";
        let (events, end) = parse(&[body]);
        assert_eq!(end, Ok(()));
        assert_eq!(events, [event("delta", Some("7"), "first\nsecond\n"), event("message", Some("7"), "next")]);
    }

    #[test]
    fn every_line_end_and_a_bom() {
        let body = b"\xEF\xBB\xBFdata: a\r\n\r\ndata: b\r\rdata: c\n\n";
        let expected = [event("message", None, "a"), event("message", None, "b"), event("message", None, "c")];
        assert_eq!(parse(&[body]), (expected.to_vec(), Ok(())));
        // Split at every byte, the BOM and each CRLF included.
        let chunks: Vec<&[u8]> = body.chunks(1).collect();
        assert_eq!(parse(&chunks), (expected.to_vec(), Ok(())));
    }

    #[test]
    fn retry_takes_digits_only_and_id_no_nul() {
        let (events, _) = parse(&[b"retry: 1500\nid: a\0b\ndata: x\n\nretry: 2s\ndata: y\n\n"]);
        assert_eq!(events.iter().map(|e| e.retry).collect::<Vec<_>>(), [Some(Duration::from_millis(1500)); 2]);
        assert_eq!(events.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), [None, None]);
    }

    #[test]
    fn an_event_without_data_is_none_and_an_unended_one_is_an_error() {
        let (events, end) = parse(&[b"event: ping\n\ndata: cut"]);
        assert!(events.is_empty());
        assert_eq!(end, Err(StreamError::Truncated));
        let (_, end) = parse(&[b"data: whole line but no blank line\n"]);
        assert_eq!(end, Err(StreamError::Truncated));
        assert_eq!(parse(&[b": only a comment\n"]).1, Ok(()));
    }

    #[test]
    fn an_event_past_the_limit_fails() {
        let mut parser = Parser::with_limit(8);
        let mut out = VecDeque::new();
        assert_eq!(parser.feed(b"data: 0123456789", &mut out), Err(StreamError::EventTooLarge(8)));
    }
}
