//! Support code every generated client shares. It knows HTTP, credentials,
//! retries, pagination and errors, and nothing about any particular API.
//!
//! It reads what a server sends, so it must not panic on it: no `unwrap`,
//! `expect`, `panic!` or indexing that can go out of bounds (its tests may).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

mod call;
pub mod codec;
mod credentials;
mod encode;
mod error;
mod file;
mod hooks;
mod idempotency;
mod non_exhaustive;
mod paginate;
mod request;
mod response;
mod retry;
mod security;
mod sse;
mod transport;
mod update;

pub use bytes::Bytes;
pub use call::{Call, NotImplemented, Operation, not_implemented};
pub use credentials::Credentials;
pub use encode::{Multipart, Style, param_text};
pub use error::{ApiError, DecodeError, Error};
pub use file::File;
pub use hooks::{AttemptOutcome, Hook, HookError, HookFuture, OutgoingRequest};
pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
#[doc(hidden)]
pub use non_exhaustive::NonExhaustive;
pub use paginate::{DEFAULT_MAX_EMPTY_PAGES, Pager, items, next_link, pages};
pub use request::{Request, RequestOptions, path_segment};
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;
pub use security::{Placement, SecurityScheme, TokenFuture, TokenProvider};
pub use sse::{DONE, Event, EventStream, StreamError};
pub use transport::{Core, CoreBuilder, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_USER_AGENT, RedirectPolicy, Timeouts};
pub use update::Update;
