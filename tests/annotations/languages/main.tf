# @exposes #bucket to #public-bucket [critical]
// @mitigates #bucket against #public-bucket using #block-public-access
/* @handles pii on #bucket */
