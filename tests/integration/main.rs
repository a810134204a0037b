//! The workspace's integration tests, one binary so that the client and the
//! generator are built once.

mod api_diff;
mod atomic;
mod checked_in;
mod client_features;
mod client_wire;
mod corpus_merge;
mod contract;
mod diff_locality;
mod errors;
mod faults;
mod fixtures;
mod stable_names;
mod history;
mod hooks;
mod idempotency;
mod inflection;
mod injection;
mod multi_file;
mod pagination;
mod names;
mod fuzz_regressions;
mod hostile;
mod seeds;
mod standalone;
mod versions;
mod support;
