' @exposes #legacy to #sqli [high]
