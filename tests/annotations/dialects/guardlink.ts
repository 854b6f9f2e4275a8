// Every GuardLink verb, in the forms of its SPEC.md section 3.
// @asset App.Auth.Login (#login) -- "User-facing authentication endpoint"
// @threat SQL_Injection (#sqli) [critical] cwe:CWE-89 owasp:A03:2021 -- "Unsanitized input reaches query builder"
// @threat Broken_Access_Control (#bac) [P0]
// @threat Cross Site Scripting [p2]
// @control Parameterized_Queries (#prepared-stmts) -- "All DB access uses placeholders"
// @actor Namespace_Admin (#ns-admin) -- "Administers one namespace"
// @mitigates App.Auth against #sqli using #prepared-stmts -- "Login query uses parameters"
// @mitigates App.Auth against #sqli with #prepared-stmts -- "threatspec's with"
// @mitigates App against SQL_Injection using Parameterized_Queries
// @exposes App.API to #idor [P1] cwe:CWE-639 -- "No ownership check on GET /users/:id"
// @exposes "/api/v1/users" to "Cross Site Scripting" [high]
// @confirmed #idor on App.API [critical] cwe:CWE-639 -- "Pen test reproduced it"
// @accepts #info-disclosure on App.API.HealthCheck -- "Health endpoint returns version info"
// @accepts #risk to App.Health -- "GuardLink's threatspec-compatible to"
// @transfers #auth-bypass from App.API to External.Auth0 -- "Authentication delegated to Auth0"
// @flows App.Frontend -> App.API via HTTPS/443 -- "All API calls over TLS 1.3"
// @flows User -> #api -> #db
// @connects App.A to App.B -- "GuardLink's connects"
// @boundary between External.Internet and Internal.DMZ (#perimeter) -- "WAF and firewall"
// @boundary Zone.A|Zone.B -- "pipe form"
// @handles PII on App.Users.Profile -- "Stores name, email, phone"
// @validates #prepared-stmts for App.Auth -- "Integration test confirms SQLi payloads are blocked"
// @audit App.Crypto -- "Is AES-128-GCM still sufficient?"
// @review App.Crypto -- "GuardLink's review"
// @owns platform-security for App.Auth -- "Auth changes need security review"
// @assumes App.API -- "All requests are pre-authenticated by the gateway"
// @comment -- "Legacy OAuth1 flow, scheduled for removal"
// @comment
// @shield -- "Proprietary trading algorithm"
// @feature "Single sign-on" -- "SAML and OIDC"
// @entitles #ns-admin to config.write on App.Config against #privilege-abuse -- "By design"
// @threat XSS (#xss) -- "Injects \"<script>\" tags"
// @threat Session_Hijacking (#session-hijack) [P1]
// -- "Attacker steals the session token"
// -- "Particularly dangerous on shared networks"
// @MITIGATES App.Auth against #sqli
// @source file:a.ts line:1
