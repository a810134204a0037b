//! The call builder of every operation: one generic type, so that each
//! operation adds only what is its own (its `new` and the setters of its
//! optional parameters) and the sending code exists, and is compiled, once.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::{Error, RequestOptions, Response, RetryPolicy};

/// What the call builder needs of an operation's request struct. The
/// generated code implements it for each one; `A` is the API it is sent to.
pub trait Operation<A>: Sized {
    /// The body of a successful response.
    type Output;

    /// The request's per-call settings.
    fn options(&mut self) -> &mut RequestOptions;

    /// Sends the request through the API's method for its operation.
    fn call(self, api: &A) -> impl Future<Output = Result<Response<Self::Output>, Error>> + Send + '_;
}

/// One call of an operation: its request struct, being filled in by the
/// setters, and the API it goes to. Each operation names its own (`client.
/// list_…(…)` returns one); `.await` it or call [`send`](Self::send).
#[must_use = "a request does nothing until it is sent or awaited"]
pub struct Call<'a, A, R> {
    pub(crate) api: &'a A,
    pub(crate) request: R,
}

impl<'a, A, R> Call<'a, A, R> {
    /// A call of `request` through `api`. Each operation's `new` takes its
    /// required inputs instead.
    pub fn from_request(api: &'a A, request: R) -> Self {
        Call { api, request }
    }

    /// The parameters as plain data.
    pub fn into_request(self) -> R {
        self.request
    }
}

impl<'a, A, R: Operation<A>> Call<'a, A, R> {
    /// Uses this retry policy for this call instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.request.options().retry = Some(policy);
        self
    }

    /// Limits one attempt of this call (connect, send, read the response).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.request.options().attempt_timeout = Some(timeout);
        self
    }

    /// Limits this whole call, retries and waits included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.request.options().total_timeout = Some(timeout);
        self
    }

    /// For `.send_stream()`: limits each wait for more of the stream,
    /// instead of the client's [`Timeouts::idle`](super::Timeouts::idle).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.request.options().idle_timeout = Some(timeout);
        self
    }

    /// For `.items()`: how many empty pages in a row, each with a new
    /// cursor, are followed before the stream ends with
    /// [`Error::InvalidResponse`] (default 10).
    pub fn max_empty_pages(mut self, pages: usize) -> Self {
        self.request.options().max_empty_pages = Some(pages);
        self
    }

    /// Sends the request and returns the decoded body.
    pub async fn send(self) -> Result<R::Output, Error> {
        self.send_with_response().await.map(Response::into_body)
    }

    /// Sends the request and returns the body with the status and headers.
    pub async fn send_with_response(self) -> Result<Response<R::Output>, Error> {
        self.request.call(self.api).await
    }
}

impl<'a, A, R> IntoFuture for Call<'a, A, R>
where
    A: Sync,
    R: Operation<A> + Send + 'a,
{
    type Output = Result<R::Output, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<A, R: fmt::Debug> fmt::Debug for Call<'_, A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("request", &self.request).finish_non_exhaustive()
    }
}

/// The future an API method an implementation leaves out returns: at once,
/// [`Error::InvalidRequest`] naming the method and the implementing type.
pub fn not_implemented<A: ?Sized, R, T>(_api: &A, method: &str, _request: R) -> NotImplemented<T> {
    let message = format!("`Api::{method}` is not implemented by {}", std::any::type_name::<A>());
    NotImplemented { message, output: PhantomData }
}

/// See [`not_implemented`]. It is `Send` whatever `T` is, so that no type of
/// the API has to be proven `Send` for it.
pub struct NotImplemented<T> {
    message: String,
    output: PhantomData<fn() -> T>,
}

impl<T> Future for NotImplemented<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
        Poll::Ready(Err(Error::InvalidRequest(std::mem::take(&mut self.get_mut().message))))
    }
}
