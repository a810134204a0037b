//! All items of a cursor-paginated list as one stream.

use std::collections::{HashSet, VecDeque};
use std::future::Future;

use futures_util::Stream;

use super::{Error, Response};

struct State<R, T, F> {
    fetch: F,
    next: Option<R>,
    buffer: VecDeque<T>,
    seen: HashSet<String>,
    failed: Option<Error>,
}

/// Fetches page after page, starting with `request`, and yields their items.
/// `split` takes a page apart into its items and the next cursor;
/// `set_cursor` puts a cursor into the next request. It stops when the
/// server gives no cursor, and with [`Error::InvalidResponse`] instead of
/// looping when a cursor repeats.
pub fn paginate<'a, R, P, T, F, Fut>(
    request: R,
    fetch: F,
    split: fn(P) -> (Vec<T>, Option<String>),
    set_cursor: fn(&mut R, String),
) -> impl Stream<Item = Result<T, Error>> + Send + 'a
where
    R: Clone + Send + 'a,
    P: Send + 'a,
    T: Send + 'a,
    F: Fn(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<P>, Error>> + Send + 'a,
{
    let state = State { fetch, next: Some(request), buffer: VecDeque::new(), seen: HashSet::new(), failed: None };
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
            let (items, cursor) = split(page);
            state.buffer.extend(items);
            if let Some(cursor) = cursor.filter(|c| !c.is_empty()) {
                if !state.seen.insert(cursor.clone()) {
                    // The page's items still come out; the error follows them.
                    state.failed = Some(Error::InvalidResponse(format!(
                        "the server returned the pagination cursor {cursor:?} twice; stopping instead of looping"
                    )));
                    continue;
                }
                let mut next = request;
                set_cursor(&mut next, cursor);
                state.next = Some(next);
            }
        }
    })
}
