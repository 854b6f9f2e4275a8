#!/bin/sh
# @exposes #deploy to #secrets-in-logs [medium] -- "set -x prints tokens"
echo "# @exposes #deploy to #not-a-comment"
