//! Data-driven annotation tests: every file under `tests/annotations/` is scanned, and its
//! annotations and diagnostics are compared with the `.expected` file beside it.

mod support;

use std::path::Path;

fn check(path: &Path, bytes: Vec<u8>) -> datatest_stable::Result<()> {
    let name = path.to_string_lossy().replace('\\', "/");
    let actual = support::dump_scan(&name, &bytes);
    let mut expected = Path::new(env!("CARGO_MANIFEST_DIR")).join(path).into_os_string();
    expected.push(".expected");
    expect_test::expect_file![expected].assert_eq(&actual);
    Ok(())
}

datatest_stable::harness! {
    { test = check, root = "tests/annotations", pattern = r"^.*[^d]$" },
}
