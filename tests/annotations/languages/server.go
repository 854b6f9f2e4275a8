package main

// @asset Shop.Api (#api)
// @exposes #api to #ssrf [P1] cwe:CWE-918 -- "image import fetches any URL"
/* @mitigates #api against #ssrf using #egress-allowlist */
var pattern = `
// @exposes #api to #inside-a-raw-string
`
