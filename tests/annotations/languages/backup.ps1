# @exposes #backup to #tampering [medium]
<#
@mitigates #backup against #tampering using #signed-archives
#>
