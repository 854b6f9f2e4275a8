<?php
// @exposes #admin to #csrf [high]
# @mitigates #admin against #csrf using #csrf-tokens
/* @audit #admin */
