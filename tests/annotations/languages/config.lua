-- @exposes #config to #tampering [low]
--[[
@audit #config -- "loaded at boot"
]]
