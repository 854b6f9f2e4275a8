-- @exposes #crypto to #weak-rng [high]
{- @mitigates #crypto against #weak-rng using #os-rng -}
