//! What both of lanterne's wasm modules use (wasm32 only): the first, which every page
//! loads (`src/browser`), and the second, loaded only where it is used (`src/rare`). Bindings to the page ([`dom`]), handles that undo what they did
//! when dropped ([`handle`]), small reads of the page ([`page`]), and reading the config
//! and options from JavaScript values ([`values`], [`config`]).

pub mod config;
pub mod dom;
pub mod handle;
pub mod page;
pub mod values;

// SAFETY: wasm32-unknown-unknown without atomics is single-threaded.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
