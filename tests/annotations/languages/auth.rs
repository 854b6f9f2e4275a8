//! Login handling.
// @asset Shop.Auth (#auth) -- "Session login"
/// @exposes #auth to #credential-stuffing [high] cwe:CWE-307
//! @mitigates #auth against #credential-stuffing using #rate-limit
/* @audit #auth -- "block comment on one line" */
/*
 * @accepts #info-leak on #auth -- "version banner is public"
 */
fn login() {
    let s = "// @exposes #auth to #not-a-comment";
    let r = r"/* @exposes #auth to #raw-string-not-read */"; // @comment -- "trailing comment"
    // we considered @exposes here but it is prose mid-sentence
}
