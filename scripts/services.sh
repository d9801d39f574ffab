#!/usr/bin/env bash
# Sourced by run.sh and bench/run-fhir-bench.sh: waiting for the services they start. Uses the caller's `die`.

# Whether something accepts connections on this loopback port.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until_up PID URL-or-PORT LOGFILE NAME
# Waits (up to 120 s) until a service answers: an http URL with a successful GET, a port number by accepting
# connections. Stops with the end of its log if the process exits or never answers.
wait_until_up() {
  local pid="$1" url="$2" logfile="$3" name="$4" deadline=$((SECONDS + 120))
  until if [[ "$url" == http* ]]; then curl -sf -o /dev/null "$url"; else port_open "$url"; fi; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$logfile" >&2 || true
      die "the $name exited during start-up (log: $logfile)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 "$logfile" >&2 || true
      die "the $name did not answer $url within 120 s"
    fi
    sleep 0.5
  done
}
