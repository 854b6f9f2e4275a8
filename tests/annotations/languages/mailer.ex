# @exposes #mailer to #header-injection [medium]
