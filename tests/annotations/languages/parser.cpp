// @mitigates #parser against #bof using #bounds-checks
/** @validates #bounds-checks for #parser -- "fuzzed nightly" */
