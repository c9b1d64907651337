//! The `cargo-readiness` binary: parse arguments, run, map the outcome to an
//! exit code. Errors are printed as one clear message; never a backtrace.

use std::process::ExitCode;

use clap::Parser;

use cargo_readiness::app::{self, exit};
use cargo_readiness::cli::{Cli, normalize_args};

fn main() -> ExitCode {
    // A panic is a bug in this tool: say so in one line, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        eprintln!(
            "error: internal error in cargo-readiness{location}: {message}\n\
             This is a bug; please report it with the command you ran."
        );
    }));

    // Interrupted (Ctrl-C, SIGTERM from CI, SIGHUP): put back a Cargo.lock
    // cargo was rewriting and remove the temp files of writes in progress,
    // so the user's files keep their old content and no `.NAME.XXXX.tmp`
    // is left behind. 130 is the shell's code for SIGINT.
    // The programs it ran are stopped first, so cargo cannot rewrite a
    // Cargo.lock after it was put back.
    let _ = ctrlc::set_handler(|| {
        cargo_readiness::exec::kill_running();
        cargo_readiness::util::restore_pending();
        cargo_readiness::util::remove_pending_writes();
        std::process::exit(130);
    });

    let args = normalize_args(std::env::args_os());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::COULD_NOT_RUN
            } else {
                exit::OK
            });
        }
    };
    match std::panic::catch_unwind(|| app::run(cli)) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            // Messages quote configuration values and cargo's words: no
            // control character from the repository reaches the terminal.
            eprintln!(
                "error: {}",
                cargo_readiness::util::printable(&e.to_string())
            );
            ExitCode::from(exit::COULD_NOT_RUN)
        }
        Err(_) => ExitCode::from(exit::COULD_NOT_RUN),
    }
}
