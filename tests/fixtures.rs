//! Data-driven tests: every `tests/fixtures/**/*.yaml` fixture is checked, and its output is
//! compared with the `.expected` file beside it. `UPDATE_EXPECT=1 cargo test` rewrites them.

mod support;

use std::path::Path;

fn check_fixture(path: &Path, text: String) -> datatest_stable::Result<()> {
    let fixture = support::parse_fixture(&text);
    let actual = support::check_output(&fixture);
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join(path).with_extension("expected");
    expect_test::expect_file![expected].assert_eq(&actual);
    Ok(())
}

datatest_stable::harness! {
    { test = check_fixture, root = "tests/fixtures", pattern = r"\.yaml$" },
}
