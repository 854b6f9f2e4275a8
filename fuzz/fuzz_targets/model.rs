#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| threatls_fuzz::model::run(data));
