/// @exposes #payments to #replay [high]
// @mitigates #payments against #replay using #idempotency-keys
