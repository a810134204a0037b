//! The workspace's integration tests, one binary so that the client and the
//! generator are built once.

mod checked_in;
mod client_features;
mod client_wire;
mod errors;
mod fixtures;
mod seeds;
mod standalone;
mod support;
