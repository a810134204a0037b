//! All items of a cursor-paginated list as one stream.

use std::collections::{HashSet, VecDeque};
use std::future::Future;

use futures_util::Stream;

use super::{Call, Error, Operation, Response};

/// Empty pages in a row that [`paginate`] follows by default before it
/// gives up: a server that keeps sending no items with a fresh cursor would
/// otherwise be asked forever.
pub const DEFAULT_MAX_EMPTY_PAGES: usize = 10;

struct State<R, T, F> {
    fetch: F,
    next: Option<R>,
    buffer: VecDeque<T>,
    seen: HashSet<String>,
    empty_pages: usize,
    max_empty_pages: usize,
    failed: Option<Error>,
}

/// Fetches page after page, starting with the call's request, and yields
/// their items. `split` takes a page apart into its items and the next
/// cursor; `cursor` is the request's cursor parameter. It stops when the
/// server gives no cursor, and with [`Error::InvalidResponse`] instead of
/// looping when a cursor repeats (the caller's starting cursor included),
/// or after more empty pages in a row than the call's `max_empty_pages`
/// (default [`DEFAULT_MAX_EMPTY_PAGES`]).
pub fn paginate<'a, A, R, P, T, F, Fut>(
    call: Call<'a, A, R>,
    fetch: F,
    split: fn(P) -> (Vec<T>, Option<String>),
    cursor: fn(&mut R) -> &mut Option<String>,
) -> impl Stream<Item = Result<T, Error>> + Send + 'a
where
    R: Operation<A> + Clone + Send + 'a,
    P: Send + 'a,
    T: Send + 'a,
    F: Fn(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<P>, Error>> + Send + 'a,
{
    let mut request = call.request;
    let max_empty_pages = request.options().max_empty_pages.unwrap_or(DEFAULT_MAX_EMPTY_PAGES);
    let mut seen = HashSet::new();
    if let Some(start) = cursor(&mut request).clone().filter(|c| !c.is_empty()) {
        seen.insert(start);
    }
    let state = State { fetch, next: Some(request), buffer: VecDeque::new(), seen, empty_pages: 0, max_empty_pages, failed: None };
    futures_util::stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            if let Some(error) = state.failed.take() {
                return Some((Err(error), state));
            }
            let request = state.next.take()?;
            let page = match (state.fetch)(request.clone()).await {
                Ok(response) => response.body,
                Err(error) => return Some((Err(error), state)),
            };
            let (items, next_cursor) = split(page);
            state.empty_pages = if items.is_empty() { state.empty_pages.saturating_add(1) } else { 0 };
            state.buffer.extend(items);
            if let Some(next_cursor) = next_cursor.filter(|c| !c.is_empty()) {
                if !state.seen.insert(next_cursor.clone()) {
                    // The page's items still come out; the error follows them.
                    state.failed = Some(Error::InvalidResponse(format!(
                        "the server returned the pagination cursor {next_cursor:?} twice; stopping instead of looping"
                    )));
                    continue;
                }
                if state.empty_pages > state.max_empty_pages {
                    state.failed = Some(Error::InvalidResponse(format!(
                        "the server sent {} empty pages in a row, each with a new cursor; stopping after the limit of {}",
                        state.empty_pages, state.max_empty_pages
                    )));
                    continue;
                }
                let mut next = request;
                *cursor(&mut next) = Some(next_cursor);
                state.next = Some(next);
            }
        }
    })
}
