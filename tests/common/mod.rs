//! What the live tests share: the emulator scripts/test.sh starts, and the
//! fault-injecting proxy in front of it.

#[allow(dead_code)]
pub mod proxy;

/// The moto endpoint (`http://127.0.0.1:PORT`) started and seeded by
/// scripts/test.sh. Outside it, the live tests are skipped with a message;
/// in CI (`CI` set) a missing emulator is a failure, so that the live tests
/// can never pass by not running.
pub fn moto_endpoint() -> Option<String> {
    match std::env::var("MOTO_ENDPOINT") {
        Ok(endpoint) => Some(endpoint),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but MOTO_ENDPOINT is not: scripts/test.sh starts moto")
        }
        Err(_) => {
            eprintln!("MOTO_ENDPOINT is not set: run scripts/test.sh, which starts and seeds moto");
            None
        }
    }
}
