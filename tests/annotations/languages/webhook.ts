// @exposes #webhook to #webhook-spoofing [high] cwe:CWE-345
// @mitigates #webhook against #webhook-spoofing using #hmac-signature -- "verify the provider's signature"
