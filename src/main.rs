//! The `riskrank` binary: parse the command line, run one subcommand,
//! print errors plainly; exit 0 on success, 1 on success with warnings,
//! 2 on failure (nothing written).

use clap::Parser;

mod cmd;

fn main() {
    restore_sigpipe();
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(status) => std::process::exit(status.code()),
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::exit(2);
        }
    }
}

/// Rust ignores SIGPIPE, so `riskrank ... | head` would panic on the
/// closed pipe; restoring the default makes it end quietly, as Unix tools do.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default is
    // async-signal-safe and happens before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
