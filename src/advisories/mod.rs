//! RustSec advisories: locating, fetching and loading the database, the
//! dependency graph, yank status (all collection-time I/O) and the pure
//! audit shared by the checks and `cargo readiness audit`.

pub mod audit;
pub mod cache;
pub mod collect;
pub mod db;
pub mod fetch;
pub mod graph;
pub mod http;
pub mod ignores;
pub mod index;
pub mod yanked;
