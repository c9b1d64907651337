//! cargo-readiness: is this Rust repository ready for production, and if
//! not, exactly what is missing?
//!
//! The pipeline (see `ARCHITECTURE.md`): [`cli`] parses, [`facts`] collects
//! everything once (the only I/O), [`checks`] are pure functions of the
//! facts, [`score`] turns outcomes into a 0–100 score and a gate verdict,
//! and [`report`] renders it.

pub mod advisories;
pub mod app;
pub mod baseline;
pub mod checks;
pub mod cli;
pub mod config;
pub mod docs;
pub mod error;
pub mod exec;
pub mod facts;
pub mod fs_lock;
pub mod hook;
pub mod init;
pub mod license_text;
pub mod parse;
pub mod policy;
pub mod progress;
pub mod report;
pub mod sbom;
pub mod scan;
pub mod score;
pub mod suppress;
pub mod timings;
pub mod util;

pub use error::{Error, Result};
