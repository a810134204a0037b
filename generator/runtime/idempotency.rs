//! Idempotency keys: the header that lets the server recognise a retried
//! request as the one it has already seen, so that a `POST` can be retried
//! safely.

use super::Request;

impl Request {
    /// Sends the header `name` with the caller's `key`, else a fresh UUID v4.
    /// The request is built once per call, so every attempt of the call
    /// carries the same key, and each call a key of its own; the call is
    /// retried like an idempotent one ([`RetryPolicy`](super::RetryPolicy)).
    pub fn idempotency_key(&mut self, name: &'static str, key: Option<&str>) {
        let key = match key {
            Some(key) => key.to_owned(),
            None => uuid::Uuid::new_v4().to_string(),
        };
        self.headers.push((name, key));
        self.idempotency_key = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::{Method, RequestOptions};

    fn request() -> Request {
        Request::new(Method::POST, "/things", "/things".to_owned(), RequestOptions::default())
    }

    #[test]
    fn a_fresh_key_is_a_uuid_v4_and_differs_per_request() {
        let keys: Vec<String> = (0..2)
            .map(|_| {
                let mut request = request();
                request.idempotency_key("Idempotency-Key", None);
                assert!(request.idempotency_key);
                request.headers.iter().find(|(n, _)| *n == "Idempotency-Key").map(|(_, v)| v.clone()).unwrap_or_default()
            })
            .collect();
        for key in &keys {
            let parsed = uuid::Uuid::parse_str(key).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(parsed.get_version_num(), 4, "{key}");
            assert_eq!(key.len(), 36, "{key}");
        }
        assert_ne!(keys[0], keys[1]);
    }

    #[test]
    fn the_callers_key_is_sent_as_it_is() {
        let mut request = request();
        request.idempotency_key("Idempotency-Key", Some("order-42"));
        assert_eq!(request.headers, [("Idempotency-Key", "order-42".to_owned())]);
        assert!(request.idempotency_key);
    }
}
