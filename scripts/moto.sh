# Sourced by scripts/test.sh and scripts/bench_collect.sh: installs the moto
# AWS emulator (pinned, from PyPI) into .moto/venv, starts it on a free port
# of 127.0.0.1, seeds it through the AWS APIs (scripts/seed_moto.py), stops
# it by its PID on exit, and exports MOTO_ENDPOINT and fake credentials.
MOTO_VERSION=5.2.1
if [ ! -x .moto/venv/bin/moto_server ] || ! .moto/venv/bin/python -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')"; then
  rm -rf .moto/venv
  python3 -m venv .moto/venv
  .moto/venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# AWS managed policies (AdministratorAccess) are attached by the seed.
MOTO_EC2_LOAD_DEFAULT_AMIS=false MOTO_IAM_LOAD_MANAGED_POLICIES=true .moto/venv/bin/moto_server -H 127.0.0.1 -p "$port" > .moto/server.log 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.2
done
.moto/venv/bin/python scripts/seed_moto.py "http://127.0.0.1:$port"
export MOTO_ENDPOINT="http://127.0.0.1:$port"
# Only the emulator is spoken to: no instance metadata, fake keys.
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
