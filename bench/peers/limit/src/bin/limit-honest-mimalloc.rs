//! limit-honest on mimalloc, the allocator the `cxhook` binary links: with LIMIT_NO_LOOKUP=1,
//! what parsing and serializing cost without the difference of glibc's malloc, so that the
//! framework's own cost over it is measured at equal allocators.
#[path = "limit-honest.rs"]
mod honest;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    honest::main();
}
