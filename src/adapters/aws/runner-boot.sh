#!/bin/bash
# Boot script of a runner instance, run once as root from the launch template's user data.
#
# It takes the instance's single-use JIT config from Parameter Store (read, then delete),
# starts the official runner with it, and powers the machine off when the runner exits. The
# launch template sets "terminate on shutdown", so powering off ends the instance. Whenever
# something fails, or the config does not come in time, it powers off as well: a runner
# machine never idles.
#
# The JIT config is a credential: it stays in one shell variable and the runner's
# environment. It is never printed, written to a file, or put on a command line.
#
# Settings (environment variables; user data sets GHR_ENVIRONMENT before this file):
#   GHR_ENVIRONMENT        deployment prefix; the config is at /<prefix>/runners/<instance id>
#   GHR_JIT_WAIT_SECONDS   how long to wait for the config (300)
#   GHR_JIT_POLL_SECONDS   pause between two looks (5)
#   GHR_RUNNER_USER        who runs the runner (runner); empty runs it as this script's user
#   GHR_IMDS_ENDPOINT      instance metadata service (http://169.254.169.254)
#   GHR_AWS_CLI            AWS CLI v2 executable (aws)
#   GHR_RUNNER_COMMAND     the runner's start script (/opt/actions-runner/run.sh)
#   GHR_POWEROFF_COMMAND   what powers the machine off (poweroff)

set -euo pipefail

POWEROFF_COMMAND="${GHR_POWEROFF_COMMAND:-poweroff}"

log() {
  printf 'ghr-boot: %s\n' "$*" >&2
}

# shellcheck disable=SC2317 # run by the traps below, which shellcheck cannot follow
power_off() {
  local status=$?
  trap - EXIT INT TERM HUP
  log "powering off (exit status ${status})"
  "$POWEROFF_COMMAND" || log "the power-off command failed"
  exit "$status"
}

# From here on, every way out of this script powers the machine off.
trap power_off EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  log "$*"
  exit 1
}

ENVIRONMENT="${GHR_ENVIRONMENT:-}"
WAIT_SECONDS="${GHR_JIT_WAIT_SECONDS:-300}"
POLL_SECONDS="${GHR_JIT_POLL_SECONDS:-5}"
RUNNER_USER="${GHR_RUNNER_USER-runner}"
IMDS="${GHR_IMDS_ENDPOINT:-http://169.254.169.254}"
AWS_CLI="${GHR_AWS_CLI:-aws}"
RUNNER_COMMAND="${GHR_RUNNER_COMMAND:-/opt/actions-runner/run.sh}"
IMDS_TOKEN_TTL_SECONDS=900
# AWS CLI v2 would page long output through less when it thinks a person is reading.
export AWS_PAGER=""

[[ "$ENVIRONMENT" =~ ^[A-Za-z0-9_.-]+$ ]] || fail "GHR_ENVIRONMENT must be the deployment prefix (got '${ENVIRONMENT}')"
[[ "$WAIT_SECONDS" =~ ^[0-9]+$ ]] || fail "GHR_JIT_WAIT_SECONDS must be whole seconds (got '${WAIT_SECONDS}')"
[[ "$POLL_SECONDS" =~ ^[1-9][0-9]*$ ]] || fail "GHR_JIT_POLL_SECONDS must be at least 1 (got '${POLL_SECONDS}')"

imds_token=""

# IMDSv2: a session token from a PUT, sent with every metadata read.
fetch_imds_token() {
  imds_token="$(curl -sS -f --connect-timeout 2 --max-time 5 --retry 3 \
    -X PUT "${IMDS}/latest/api/token" \
    -H "X-aws-ec2-metadata-token-ttl-seconds: ${IMDS_TOKEN_TTL_SECONDS}")" || return 1
  [ -n "$imds_token" ]
}

read_metadata_once() {
  curl -sS -f --connect-timeout 2 --max-time 5 \
    -H "X-aws-ec2-metadata-token: ${imds_token}" "${IMDS}/latest/meta-data/$1"
}

# Sets metadata_value. A token can expire or be refused (401): then a fresh one is fetched and
# the read tried once more.
metadata_value=""
read_metadata() {
  metadata_value="$(read_metadata_once "$1")" && return 0
  log "metadata read of $1 failed; fetching a new token and trying again"
  fetch_imds_token || return 1
  metadata_value="$(read_metadata_once "$1")"
}

fetch_imds_token || fail "could not get an IMDSv2 token from ${IMDS}"
read_metadata instance-id || fail "could not read the instance id"
instance_id="$metadata_value"
read_metadata placement/region || fail "could not read the region"
region="$metadata_value"
[[ "$instance_id" =~ ^i-[0-9a-f]+$ ]] || fail "unexpected instance id '${instance_id}'"
[[ "$region" =~ ^[a-z0-9-]+$ ]] || fail "unexpected region '${region}'"

parameter="/${ENVIRONMENT}/runners/${instance_id}"
log "instance ${instance_id} in ${region}: waiting up to ${WAIT_SECONDS} s for ${parameter}"

jit_config=""
deadline=$((SECONDS + WAIT_SECONDS))
while :; do
  if jit_config="$("$AWS_CLI" ssm get-parameter --region "$region" --name "$parameter" \
    --with-decryption --query Parameter.Value --output text)" && [ -n "$jit_config" ]; then
    break
  fi
  jit_config=""
  if ((SECONDS >= deadline)); then
    fail "no JIT config at ${parameter} after ${WAIT_SECONDS} s; giving up"
  fi
  sleep "$POLL_SECONDS"
done
log "read the JIT config; deleting ${parameter}"

# The config is single-use: it is deleted before the runner starts, or the runner never does.
deleted=""
for _ in 1 2 3; do
  if "$AWS_CLI" ssm delete-parameter --region "$region" --name "$parameter"; then
    deleted="yes"
    break
  fi
  sleep "$POLL_SECONDS"
done
[ -n "$deleted" ] || fail "could not delete ${parameter}; not starting the runner"

log "starting the runner"
set +e
if [ -n "$RUNNER_USER" ]; then
  ACTIONS_RUNNER_INPUT_JITCONFIG="$jit_config" runuser -u "$RUNNER_USER" -- "$RUNNER_COMMAND"
else
  ACTIONS_RUNNER_INPUT_JITCONFIG="$jit_config" "$RUNNER_COMMAND"
fi
runner_status=$?
set -e
jit_config=""

log "the runner exited with status ${runner_status}"
exit 0
