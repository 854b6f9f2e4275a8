REM @audit #build-script -- "runs as admin"
:: @exposes #build-script to #path-hijacking [low]
