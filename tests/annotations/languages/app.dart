// @exposes #mobile to #insecure-storage [high]
