// @shield:begin -- "documentation that quotes annotations"
// @exposes was renamed in v1.2
// @exposes #api to
// @asset Not.Read (#not-read)
// @shield:end
// @asset Read.Again (#read-again)
// @shield:begin -- "never closed"
// @asset Not.Read.Either (#not-read-either)
