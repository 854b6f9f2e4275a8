-- @handles financial on #orders-db
/* @mitigates #orders-db against #sqli using #parameterized-queries */
SELECT '-- @exposes #orders-db to #not-a-comment';
