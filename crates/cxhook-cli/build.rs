//! Links the release `cxhook` binary with the code a server runs placed first in its text.
//!
//! `link/hot-symbols.txt` lists the functions `cxhook serve` runs from start-up through
//! answering every built-in tag (written by `bench/hot-symbols.sh`). The kernel maps program
//! text into memory 64 KiB around each page touched, so when those functions lie scattered
//! among the ones a server never calls, most of the binary ends up resident. Placed together,
//! they take a few megabytes of memory fewer, and fewer page faults at start-up.
//!
//! The ordering is a linker option of LLD (rustc's default linker on
//! `x86_64-unknown-linux-gnu`, and mold's too); it is only passed for release builds of that
//! target, and `CXHOOK_NO_SYMBOL_ORDER=1` leaves it out for a linker without it. A list that no
//! longer matches the code costs nothing but the gain: symbols it names that are gone are
//! skipped without a warning.

use std::env;

fn main() {
    println!("cargo::rerun-if-changed=link/hot-symbols.txt");
    println!("cargo::rerun-if-env-changed=CXHOOK_NO_SYMBOL_ORDER");
    let release = env::var("PROFILE").is_ok_and(|profile| profile == "release");
    let target = env::var("TARGET").is_ok_and(|target| target == "x86_64-unknown-linux-gnu");
    let opted_out =
        env::var_os("CXHOOK_NO_SYMBOL_ORDER").is_some_and(|v| v != "0" && !v.is_empty());
    if release && target && !opted_out {
        let dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!(
            "cargo::rustc-link-arg-bins=-Wl,--symbol-ordering-file={dir}/link/hot-symbols.txt"
        );
        println!("cargo::rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}
