# Sourced by the bench scripts: a local docker-registry on a free loopback port.
# start_bench_registry DIR [LOG_LEVEL] [ACCESS_LOG]  sets $port, $host and $regpid; storage in DIR/storage.
# ACCESS_LOG "on" keeps the access log (DIR/registry.log), which some benches count requests in.
start_bench_registry() {
  local dir=$1 level=${2:-error} access=${3:-off} disabled=true
  [ "$access" = on ] && disabled=false
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  host=127.0.0.1:$port
  mkdir -p "$dir/storage"
  cat > "$dir/config.yml" <<YAML
version: 0.1
log: {level: $level, accesslog: {disabled: $disabled}}
storage: {filesystem: {rootdirectory: $dir/storage}}
http: {addr: $host, secret: bench}
YAML
  /usr/bin/docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  regpid=$!
  for _ in $(seq 100); do curl -sf -m 2 "http://$host/v2/" >/dev/null && return; sleep 0.1; done
  echo "registry did not start (see $dir/registry.log)" >&2; exit 1
}
