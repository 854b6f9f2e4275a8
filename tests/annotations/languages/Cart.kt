// @exposes #cart to #price-tampering [critical]
/* @mitigates #cart against #price-tampering using #server-side-pricing */
