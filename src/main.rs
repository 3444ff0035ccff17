//! The `audit` binary: everything lives in the library; see `cli`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    posture_audit::cli::main()
}
