//! The `audit` binary: everything lives in the library; see `cli`.

fn main() -> std::process::ExitCode {
    posture_audit::cli::main()
}
