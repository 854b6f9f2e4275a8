# Lines that open a comment with a known verb but do not parse (GuardLink SPEC.md 2.12):
# an error when they carry structural evidence, a warning (prose) when they do not.
# @mitigates
# @exposes #api to
# @exposes App.API to
# @exposes App.API to #idor cwe:CWE-639 [P1]
# @audit App.API --
# @flows App.A->App.B
# @owns Platform Security for App.Auth
# @threat SQL Injection [P5]
# @transfers moves ownership from one team to another
# @exposes was renamed in v1.2
# @feature still claims to describe the model
# @asset App.Auth [P0]
# @comment some text
# Typos of verbs, and tags that are not ours:
# @flow #api -> #database
# @migitates #api against #x
# @param name The user name
# @TODO later
# Prose that mentions @exposes mid-sentence is not an annotation at all.
