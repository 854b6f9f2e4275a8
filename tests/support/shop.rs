//! A small model and the annotated Go file that goes with it, for the end-to-end tests that
//! drive the server or the binary through an editing session.

pub const MODEL: &str = "threatmodel: 1
title: Shop
assets:
  - { id: billing-api, name: Billing API, kind: process }
threats:
  - id: idor
    title: Invoice ids are not bound to the caller
    class: elevation-of-privilege
    severity: high
    affects: [billing-api]
mitigations:
  - { id: owner-check, title: Owner check, mitigates: [idor], status: implemented }
";

pub const CODE: &str = "package billing

// @exposes #billing-api to #idor
// @mitigates #billing-api against #idor using #owner-check
func Invoice() {}
";
