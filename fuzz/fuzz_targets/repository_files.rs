//! Every parser that reads a file from the repository under audit gets the
//! same arbitrary bytes: none may panic, whatever the repository holds.
#![no_main]

use cargo_readiness::facts::{files, yaml};
use cargo_readiness::parse::{codeowners, forge, markdown, spdx_expr};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = files::decode(data.to_vec()) else {
        return;
    };
    let _ = codeowners::parse(&text, codeowners::Flavor::GitHub);
    let _ = codeowners::parse(&text, codeowners::Flavor::GitLab);
    let _ = markdown::link_defs(&text);
    for line in text.lines() {
        let _ = markdown::links_in(line);
        let _ = forge::parse_link(line);
        let _ = spdx_expr::parse(line);
    }
    let _ = cargo_readiness::checks::support::headings(&text);
    let _ = yaml::parse(&text);
    let _ = cargo_readiness::advisories::ignores::parse("deny.toml", &text);
    let _ = cargo_readiness::policy::from_deny_toml(&text);
    let _ = text.parse::<cargo_lock::Lockfile>();
});
