; @exposes #analytics to #linking [medium]
