// @exposes #search to #dos [medium] -- "expensive wildcard queries"
