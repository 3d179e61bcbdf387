//! The compile errors a handler of the wrong shape gets: they say which types are
//! extractors and what a handler may return (`tests/ui/*.rs`, each beside the `.stderr`
//! rustc gives for it; `TRYBUILD=overwrite` writes them again after a toolchain update).

#[test]
fn a_handler_with_a_non_extractor_argument_is_explained() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
