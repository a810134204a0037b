//! Every page, or every item, of a paginated list as one stream, whatever
//! the style of its pages: a cursor from the response, the last item's id,
//! page numbers, or the `Link` header's next URL (RFC 8288).

use std::collections::{HashSet, VecDeque};
use std::future::Future;

use futures_util::{Stream, StreamExt as _};

use super::{Call, Error, Operation, Response};

/// Empty pages in a row that a page stream follows by default before it
/// gives up: a server that keeps sending no items with a fresh cursor would
/// otherwise be asked forever.
pub const DEFAULT_MAX_EMPTY_PAGES: usize = 10;

/// How the generated code steps through one operation's pages.
pub struct Pager<R, P> {
    /// Where a request starts: its cursor, page number or next-page URL;
    /// `None` when it names none (the first page). A position the stream
    /// has already asked for ends it with an error instead of a loop.
    pub position: fn(&R) -> Option<String>,
    /// The request for the page after `page` (whose answer's headers are
    /// `headers`), made from the request that fetched it; `None` when
    /// `page` is the last.
    pub advance: fn(R, &P, &http::HeaderMap) -> Option<R>,
    /// How many items `page` holds.
    pub count: fn(&P) -> usize,
}

struct State<R, P, F> {
    fetch: F,
    pager: Pager<R, P>,
    next: Option<R>,
    seen: HashSet<String>,
    empty_pages: usize,
    max_empty_pages: usize,
    failed: Option<Error>,
}

/// Fetches page after page, starting with the call's request, and yields
/// them. It stops after the last page, and with [`Error::InvalidResponse`]
/// instead of looping when a position repeats (the caller's starting one
/// included), or after more empty pages in a row than the call's
/// `max_empty_pages` (default [`DEFAULT_MAX_EMPTY_PAGES`]). An error ends
/// the stream after the pages before it.
pub fn pages<'a, A, R, P, F, Fut>(call: Call<'a, A, R>, fetch: F, pager: Pager<R, P>) -> impl Stream<Item = Result<P, Error>> + Send + 'a
where
    R: Operation<A> + Clone + Send + 'a,
    P: Send + 'a,
    F: Fn(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<P>, Error>> + Send + 'a,
{
    let mut request = call.request;
    let max_empty_pages = request.options().max_empty_pages.unwrap_or(DEFAULT_MAX_EMPTY_PAGES);
    let state = State { fetch, pager, next: Some(request), seen: HashSet::new(), empty_pages: 0, max_empty_pages, failed: None };
    futures_util::stream::unfold(state, move |mut state| async move {
        if let Some(error) = state.failed.take() {
            return Some((Err(error), state));
        }
        let request = state.next.take()?;
        if let Some(position) = (state.pager.position)(&request).filter(|p| !p.is_empty())
            && !state.seen.insert(position.clone())
        {
            let error = Error::InvalidResponse(format!("the server returned the pagination cursor {position:?} twice; stopping instead of looping"));
            return Some((Err(error), state));
        }
        let response = match (state.fetch)(request.clone()).await {
            Ok(response) => response,
            Err(error) => return Some((Err(error), state)),
        };
        let page = response.body;
        state.empty_pages = if (state.pager.count)(&page) == 0 { state.empty_pages.saturating_add(1) } else { 0 };
        if let Some(next) = (state.pager.advance)(request, &page, &response.headers) {
            if state.empty_pages > state.max_empty_pages {
                state.failed = Some(Error::InvalidResponse(format!(
                    "the server sent {} empty pages in a row, each with a new cursor; stopping after the limit of {}",
                    state.empty_pages, state.max_empty_pages
                )));
            } else {
                state.next = Some(next);
            }
        }
        Some((Ok(page), state))
    })
}

/// The items of every page of [`pages`], page by page: `split` takes a page
/// apart into its items. An error comes after the items of the pages before
/// it, and ends the stream.
pub fn items<'a, A, R, P, T, F, Fut>(
    call: Call<'a, A, R>,
    fetch: F,
    pager: Pager<R, P>,
    split: fn(P) -> Vec<T>,
) -> impl Stream<Item = Result<T, Error>> + Send + 'a
where
    R: Operation<A> + Clone + Send + 'a,
    P: Send + 'a,
    T: Send + 'a,
    F: Fn(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Response<P>, Error>> + Send + 'a,
{
    pages(call, fetch, pager).flat_map(move |page| {
        let items: VecDeque<Result<T, Error>> = match page {
            Ok(page) => split(page).into_iter().map(Ok).collect(),
            Err(error) => VecDeque::from([Err(error)]),
        };
        futures_util::stream::iter(items)
    })
}

/// The URL of the `rel="next"` link of a `Link` header (RFC 8288), of the
/// first such link when the answer has several; `None` when it has none.
pub fn next_link(headers: &http::HeaderMap) -> Option<String> {
    headers.get_all(http::header::LINK).iter().filter_map(|value| value.to_str().ok()).find_map(|value| links(value).find(|(_, rels)| rels.iter().any(|r| r.eq_ignore_ascii_case("next"))).map(|(url, _)| url.to_owned()))
}

/// The links of one `Link` header value: each `<target>` with the
/// relation types of its `rel` parameter. A comma inside `<…>` or a quoted
/// string belongs to the link, not between links.
fn links(value: &str) -> impl Iterator<Item = (&str, Vec<String>)> {
    let mut rest = value;
    std::iter::from_fn(move || {
            let start = rest.find('<')?;
            let after = rest.get(start + 1..)?;
            let end = after.find('>')?;
            let target = after.get(..end)?;
            rest = after.get(end + 1..)?;
            // The parameters run to the next comma outside quotes.
            let mut quoted = false;
            let mut escaped = false;
            let mut stop = rest.len();
            for (index, c) in rest.char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' if quoted => escaped = true,
                    '"' => quoted = !quoted,
                    ',' if !quoted => {
                        stop = index;
                        break;
                    }
                    _ => {}
                }
            }
            let parameters = rest.get(..stop)?;
            rest = rest.get(stop..)?;
            let rels = parameters.split(';').filter_map(|parameter| {
                let (name, value) = parameter.split_once('=')?;
                name.trim().eq_ignore_ascii_case("rel").then(|| value.trim().trim_matches('"').to_owned())
            });
            let rels: Vec<String> = rels.flat_map(|r| r.split_whitespace().map(str::to_owned).collect::<Vec<_>>()).collect();
            Some((target, rels))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for value in values {
            map.append(http::header::LINK, http::HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}")));
        }
        map
    }

    #[test]
    fn the_next_link_is_found_among_others_in_any_order_and_case() {
        let github = r#"<https://api.example.com/repos?page=2>; rel="next", <https://api.example.com/repos?page=5>; rel="last""#;
        assert_eq!(next_link(&headers(&[github])).as_deref(), Some("https://api.example.com/repos?page=2"));
        let reordered = r#"<https://x.test/a?page=1>; rel="prev", <https://x.test/a?page=3>; title="a, b; c"; REL=NEXT"#;
        assert_eq!(next_link(&headers(&[reordered])).as_deref(), Some("https://x.test/a?page=3"));
        // Several relation types in one `rel`, and links over two header lines.
        let lines = [r#"<https://x.test/first>; rel="first""#, r#"<https://x.test/b?c=1,2>; rel="last next""#];
        assert_eq!(next_link(&headers(&lines)).as_deref(), Some("https://x.test/b?c=1,2"));
    }

    #[test]
    fn no_next_link_is_none() {
        assert_eq!(next_link(&headers(&[r#"<https://x.test/a?page=1>; rel="prev""#])), None);
        assert_eq!(next_link(&headers(&[r#"<https://x.test/a>; rel="nextish""#])), None);
        assert_eq!(next_link(&headers(&["garbage", "<unterminated; rel=next"])), None);
        assert_eq!(next_link(&http::HeaderMap::new()), None);
    }
}
