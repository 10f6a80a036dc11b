//! Workspace tests: this crate links every connector (through the generated `linked` module)
//! so `tests/` can check what the whole workspace registers, that generated files are fresh
//! and that the house rules hold. The tests themselves live in `tests/tests/`.

mod linked;

use plugboard_core::Registry;

/// Every connector linked into this crate, sorted by id (forces the link list to be used).
pub fn registry() -> &'static Registry {
    Registry::global()
}
