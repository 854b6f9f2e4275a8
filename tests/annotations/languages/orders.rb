# @exposes #orders to #mass-assignment [medium]
=begin
@mitigates #orders against #mass-assignment using #strong-params
=end
