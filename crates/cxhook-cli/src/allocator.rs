//! The process's memory allocator: mimalloc, in place of glibc's malloc.
//!
//! A call allocates about 86 times (the request's strings and maps, the reply, the log line,
//! the call's future), and glibc's malloc and free are slow at that: 26,500 of the 133,900
//! instructions a `booking.validate` call took, HTTP included, went to them (callgrind,
//! release binary, 2,000 calls after 300 to warm up). Frees that go back to glibc's shared
//! bins, and the call's future of several KiB (above glibc's per-thread cache), take its slow
//! paths every call.
//!
//! Measured side by side on that call, with idle and peak memory after 16,000 calls from 32
//! connections:
//!
//! | allocator | instructions per call | idle RSS | peak RSS | stripped binary |
//! |---|---:|---:|---:|---:|
//! | glibc 2.36 | 133,900 | 12.7 MiB | 14.7 MiB | 23.71 MB |
//! | mimalloc 3.3 (`mimalloc` 0.1.52), no transparent huge pages | 110,400 | 14.1 MiB | 16.3 MiB | 23.91 MB |
//! | mimalloc 3.3 with transparent huge pages | 110,400 | 22.5 MiB | 33.3 MiB | 23.91 MB |
//! | jemalloc 5.3 (`tikv-jemallocator` 0.6) | 115,500 | 15.7 MiB | 18.2 MiB | 24.24 MB |
//!
//! mimalloc takes the fewest instructions and the least memory of the two well-kept
//! allocators. Transparent huge pages are off (the crate's `no_thp`): with them its arenas
//! are backed by 2 MiB pages, idle memory rises by 8 MiB and the instruction count does not
//! move. `MIMALLOC_ALLOW_THP=1` turns them back on, and the other `MIMALLOC_*` variables of
//! mimalloc's documentation apply as well.
//!
//! Only the binary chooses: the `cxhook` library leaves the allocator to the application, as
//! a library must.

/// Every allocation of the process.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
