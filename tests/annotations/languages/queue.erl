% @exposes #queue to #dos [medium]
