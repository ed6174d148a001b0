#!/usr/bin/env python3
"""Checks the deployment files with the real tools, without a Docker engine.

    python3 deploy/check/check-deploy.py

1. every YAML file under deploy/ parses; every dashboard is valid JSON, its panels neither overlap nor leave the grid;
2. promtool check config prometheus.yml, promtool check rules alerts.yml, promtool test rules alerts.test.yml;
3. every PromQL expression of the dashboards and alert rules is sent to a throwaway Prometheus (own temp dir,
   free loopback port, no scrape targets) through /api/v1/query, which answers a syntax error with an error;
   its storage holds synthetic series of every metric in docs/METRICS.md with the label values listed there
   (promtool tsdb create-blocks-from openmetrics), and every dashboard query must return data from them;
4. every metric and label those expressions name is one docs/METRICS.md documents;
5. every key of sysctl.d/*.conf exists in the running kernel (/proc/sys is only read);
6. every path the Dockerfile copies exists, and its restore layer copies every project the gateway references;
7. systemd-analyze verify on the unit, when systemd-analyze is installed.
Needs python3 with PyYAML, promtool and prometheus (Debian package prometheus). Exit status 1 on any failure.
"""
import glob, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.dirname(HERE)
ROOT = os.path.dirname(DEPLOY)
failures = []


def fail(msg):
    failures.append(msg)
    print(f"FAIL {msg}")


def ok(msg):
    print(f"ok   {msg}")


def run(args, cwd=DEPLOY):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    name = " ".join(os.path.relpath(a, DEPLOY) if os.path.isabs(a) else a for a in args)
    if p.returncode == 0:
        ok(name)
    else:
        fail(f"{name}:\n{p.stdout}{p.stderr}")


# 1. syntax -------------------------------------------------------------------------------------------------
yamls = sorted(glob.glob(os.path.join(DEPLOY, "**", "*.yml"), recursive=True))
for path in yamls:
    try:
        with open(path, encoding="utf-8") as f:
            yaml.safe_load(f)
        ok(f"yaml {os.path.relpath(path, DEPLOY)}")
    except yaml.YAMLError as e:
        fail(f"yaml {os.path.relpath(path, DEPLOY)}: {e}")

dashboards = {}
for path in sorted(glob.glob(os.path.join(DEPLOY, "grafana", "dashboards", "*.json"))):
    try:
        with open(path, encoding="utf-8") as f:
            dashboards[path] = json.load(f)
        ok(f"json {os.path.relpath(path, DEPLOY)}")
    except json.JSONDecodeError as e:
        fail(f"json {os.path.relpath(path, DEPLOY)}: {e}")

# dashboard layout: panels inside the 24-column grid, none overlapping, unique ids
for path, dash in dashboards.items():
    name = os.path.basename(path)
    cells, ids, bad = {}, set(), 0
    for panel in dash.get("panels", []):
        g = panel["gridPos"]
        if panel["id"] in ids:
            fail(f"{name}: panel id {panel['id']} used twice")
            bad += 1
        ids.add(panel["id"])
        if g["x"] < 0 or g["w"] < 1 or g["x"] + g["w"] > 24:
            fail(f"{name}: panel '{panel.get('title')}' leaves the 24-column grid")
            bad += 1
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                if (x, y) in cells:
                    fail(f"{name}: panels '{cells[(x, y)]}' and '{panel.get('title')}' overlap")
                    bad += 1
                    break
                cells[(x, y)] = panel.get("title")
            else:
                continue
            break
    if bad == 0:
        ok(f"{name}: {len(ids)} panels on the grid, no overlap")

# 2. promtool -----------------------------------------------------------------------------------------------
run(["promtool", "check", "config", "prometheus.yml"])
run(["promtool", "check", "rules", "alerts.yml"])
run(["promtool", "test", "rules", "alerts.test.yml"])

# metrics documented in docs/METRICS.md -------------------------------------------------------------------
documented = {}  # metric -> (type, labels)
label_values = {}  # (metric, label) -> values the table lists, e.g. direction -> {in, out}
with open(os.path.join(ROOT, "docs", "METRICS.md"), encoding="utf-8") as f:
    for line in f:
        m = re.match(r"\|\s*`(gb28181_\w+)`\s*\|\s*(\w+)\s*\|([^|]*)\|", line)
        if m:
            documented[m.group(1)] = (m.group(2), set(re.findall(r"`(\w+)`", m.group(3))))
            for label, hint in re.findall(r"`(\w+)`(?:\s*\(([^)]*)\))?", m.group(3)):
                if re.fullmatch(r"\w+(?:/\w+)+", hint or ""):
                    label_values[(m.group(1), label)] = set(hint.split("/"))
if not documented:
    fail("docs/METRICS.md: no metric table found")
# process_* and dotnet_* are documented as families; these are the members the exporter writes (its tests
# assert these names) and the labels they carry.
RUNTIME = {
    "process_cpu_seconds_total": set(), "process_resident_memory_bytes": set(), "process_open_fds": set(),
    "process_max_fds": set(), "process_virtual_memory_bytes": set(), "process_start_time_seconds": set(),
    "dotnet_gc_collections_total": {"gc_heap_generation"}, "dotnet_gc_heap_total_allocated_bytes_total": set(),
    "dotnet_gc_last_collection_heap_size_bytes": {"gc_heap_generation"},
    "dotnet_thread_pool_threads": set(), "dotnet_thread_pool_queue_length": set(),
    "dotnet_process_cpu_time_seconds_total": {"cpu_mode"}, "dotnet_process_memory_working_set_bytes": set(),
}

# 3. expressions --------------------------------------------------------------------------------------------
exprs = []  # (where, expression as written)
dashboard_exprs = set()  # the ones that must return data from the synthetic series below
for path, dash in dashboards.items():
    name = os.path.basename(path)
    for panel in dash.get("panels", []):
        for target in panel.get("targets", []):
            if target.get("expr"):
                exprs.append((f"{name} panel '{panel.get('title')}' {target.get('refId')}", target["expr"]))
                dashboard_exprs.add(exprs[-1])
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            q = var["query"]["query"] if isinstance(var.get("query"), dict) else var.get("query", "")
            m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", q.strip())
            if m:  # label_values(selector, label): check the selector and that the label belongs to it
                exprs.append((f"{name} variable ${var['name']}", f"sum by ({m.group(2)}) ({m.group(1)})"))
                dashboard_exprs.add(exprs[-1])
            else:
                fail(f"{name} variable ${var['name']}: unexpected query {q!r}")
with open(os.path.join(DEPLOY, "alerts.yml"), encoding="utf-8") as f:
    for group in yaml.safe_load(f)["groups"]:
        for rule in group["rules"]:
            exprs.append((f"alerts.yml {rule.get('alert') or rule.get('record')}", str(rule["expr"])))


def grafana_to_promql(expr):
    """Replaces the Grafana variables the way Grafana does before sending the query."""
    for var, value in (("$__rate_interval", "1m"), ("$__interval", "15s"), ("$__range", "1h"),
                       ("$instance", ".*"), ("$platform", ".*")):
        expr = expr.replace(var, value)
    if "$" in re.sub(r"\{\{.*?\}\}", "", expr):
        raise ValueError(f"unknown variable in {expr}")
    return expr


SYNTHETIC_END = int(time.time()) - 3600  # one hour ago: inside retention, outside the head block
SYNTHETIC_STEP = 15


def synthetic_openmetrics():
    """Every documented series with every documented label value, for 30 minutes at 15 s: counters grow,
    gauges are 1, histograms observe 10 ms. Labels whose values the table does not list get "x"; the SIP
    message status gets both a request ("") and a response ("200"). Dashboard queries must return data from this."""
    target = {"instance": "gw-1", "job": "gb28181-gateway"}
    families = []  # (name, type, [label dicts])

    def combos(metric, labels):
        out = [dict(target)]
        for label in sorted(labels):
            values = sorted(label_values.get((metric, label), {"x"}))
            if metric == "gb28181_sip_messages_total" and label == "status":
                values = ["", "200"]
            out = [dict(c, **{label: v}) for c in out for v in values]
        return out

    for name, (kind, labels) in documented.items():
        families.append((name, kind, combos(name, labels)))
    for name, labels in RUNTIME.items():
        kind = "counter" if name.endswith("_total") else "gauge"
        families.append((name, kind, [dict(target, **{label: "gen0" if label == "gc_heap_generation" else "user"
                                                      for label in labels})]))
    families.append(("up", "gauge", [dict(target)]))

    def fmt(labels):
        return "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"

    lines = []
    steps = range(120, -1, -1)
    for name, kind, label_sets in families:
        base = name[: -len("_total")] if kind == "counter" and name.endswith("_total") else name
        lines.append(f"# TYPE {base} {kind}")
        for labels in label_sets:
            for back in steps:
                ts = SYNTHETIC_END - back * SYNTHETIC_STEP
                n = 120 - back
                if kind == "counter":
                    lines.append(f"{base}_total{fmt(labels)} {n * 10} {ts}")
                elif kind == "histogram":
                    for le in ("0.005", "0.01", "0.1", "+Inf"):
                        lines.append(f"{base}_bucket{fmt(dict(labels, le=le))} {0 if le == '0.005' else n} {ts}")
                    lines.append(f"{base}_count{fmt(labels)} {n} {ts}")
                    lines.append(f"{base}_sum{fmt(labels)} {n * 0.01} {ts}")
                else:
                    lines.append(f"{base}{fmt(labels)} 1 {ts}")
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


prometheus = shutil.which("prometheus")
if prometheus is None:
    fail("prometheus is not installed (apt-get install prometheus): expressions not checked")
else:
    tmp = tempfile.mkdtemp(prefix="gb28181-promql-")
    port = free_port()
    with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
        f.write("global:\n  scrape_interval: 15s\nscrape_configs: []\n")
    with open(os.path.join(tmp, "synthetic.om"), "w") as f:
        f.write(synthetic_openmetrics())
    blocks = subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", os.path.join(tmp, "synthetic.om"),
                             os.path.join(tmp, "data")], capture_output=True, text=True)
    if blocks.returncode != 0:
        fail(f"promtool tsdb create-blocks-from openmetrics:\n{blocks.stdout}{blocks.stderr}")
    proc = subprocess.Popen([prometheus, f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/data",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "log"), "w"))
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/-/ready", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            raise RuntimeError("prometheus did not become ready")
        if proc.poll() is not None:
            raise RuntimeError("prometheus exited: " + open(os.path.join(tmp, "log")).read()[-2000:])
        bad = empty = 0
        for where, expr in exprs:
            try:
                query = grafana_to_promql(expr)
            except ValueError as e:
                fail(f"{where}: {e}")
                bad += 1
                continue
            data = urllib.parse.urlencode({"query": query, "time": SYNTHETIC_END}).encode()
            try:
                with urllib.request.urlopen(f"{base}/api/v1/query", data=data, timeout=10) as r:
                    answer = json.load(r)
            except urllib.error.HTTPError as e:
                answer = json.load(e)
            if answer.get("status") != "success":
                fail(f"{where}: {answer.get('errorType')}: {answer.get('error')}\n    {query}")
                bad += 1
            elif (where, expr) in dashboard_exprs and not answer["data"]["result"]:
                fail(f"{where}: no data from the documented series (wrong name, label or label value?)\n    {query}")
                empty += 1
        if bad == 0:
            ok(f"{len(exprs)} PromQL expressions parse (Prometheus {base})")
        if empty == 0:
            ok(f"{len(dashboard_exprs)} dashboard queries return data from synthetic series of every documented metric")
    except Exception as e:  # noqa: BLE001 - report and go on with the other checks
        fail(f"throwaway prometheus: {e}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)

# 4. names and labels against docs/METRICS.md ----------------------------------------------------------------
TARGET_LABELS = {"instance", "job"}
KEYWORDS = {"sum", "max", "min", "avg", "count", "rate", "increase", "irate", "by", "on", "without", "and", "or",
            "unless", "group_left", "group_right", "ignoring", "histogram_quantile", "max_over_time", "absent",
            "bool", "offset", "le", "humanizePercentage", "printf", "up"}


def metric_labels(name):
    if name == "up":
        return set()
    if name in RUNTIME:
        return RUNTIME[name]
    if name in documented:
        kind, labels = documented[name]
        return labels
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)] if name.endswith(suffix) else None
        if base in documented and documented[base][0] == "histogram":
            return documented[base][1] | ({"le"} if suffix == "_bucket" else set())
    return None


name_errors = 0
for where, expr in exprs:
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # label values are not names
    names = set(re.findall(r"\b((?:gb28181|process|dotnet)_\w+|up)\b(?=\s*[{\[)\s]|$)", text))
    allowed = set(TARGET_LABELS)
    for name in names:
        labels = metric_labels(name)
        if labels is None:
            fail(f"{where}: metric {name} is not in docs/METRICS.md")
            name_errors += 1
        else:
            allowed |= labels
    used = set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)\s*\"", expr))
    for group in re.findall(r"\b(?:by|on|without|ignoring|group_left|group_right)\s*\(([^)]*)\)", expr):
        used |= {label.strip() for label in group.split(",") if label.strip()}
    for label in sorted(used - allowed):
        fail(f"{where}: label '{label}' is not a label of {sorted(names)} in docs/METRICS.md")
        name_errors += 1
if name_errors == 0:
    ok(f"{len(exprs)} expressions use only metrics and labels from docs/METRICS.md")

# 5. sysctl: every key set exists in this kernel (read from /proc/sys, nothing is changed) -------------------
for conf in sorted(glob.glob(os.path.join(DEPLOY, "sysctl.d", "*.conf"))):
    bad = 0
    for number, line in enumerate(open(conf, encoding="utf-8"), 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        m = re.fullmatch(r"([a-z0-9_.]+)\s*=\s*(\S.*)", line)
        if m is None:
            fail(f"{os.path.relpath(conf, DEPLOY)}:{number}: not 'key = value': {line}")
            bad += 1
        elif not os.path.exists("/proc/sys/" + m.group(1).replace(".", "/")):
            fail(f"{os.path.relpath(conf, DEPLOY)}:{number}: {m.group(1)} does not exist in this kernel")
            bad += 1
    if bad == 0:
        ok(f"{os.path.relpath(conf, DEPLOY)}: every key exists in /proc/sys")

# 6. Dockerfile: every COPY source exists, and the restore layer copies every project the gateway references ---
dockerfile = os.path.join(ROOT, "Dockerfile")
copies = []
for line in open(dockerfile, encoding="utf-8"):
    m = re.match(r"COPY\s+(?!--from)(.*)$", line.strip())
    if m:
        args = m.group(1).split()
        copies += args[:-1]
missing = [c for c in copies if not os.path.exists(os.path.join(ROOT, c))]
for c in missing:
    fail(f"Dockerfile copies {c}, which does not exist")


def project_closure(csproj, seen):
    seen.add(os.path.normpath(csproj))
    text = open(csproj, encoding="utf-8").read()
    for ref in re.findall(r'<ProjectReference\s+Include="([^"]+)"', text):
        path = os.path.normpath(os.path.join(os.path.dirname(csproj), ref.replace("\\", "/")))
        if path not in seen:
            project_closure(path, seen)
    return seen


needed = project_closure(os.path.join(ROOT, "src", "Gb28181Gateway", "Gb28181Gateway.csproj"), set())
copied = {os.path.normpath(os.path.join(ROOT, c)) for c in copies if c.endswith(".csproj")}
for project in sorted(needed - copied):
    fail(f"Dockerfile restore layer does not copy {os.path.relpath(project, ROOT)}, which the gateway references")
if not missing and needed <= copied:
    ok(f"Dockerfile: {len(copies)} COPY sources exist; the restore layer has all {len(needed)} projects of the gateway")

# 7. systemd ------------------------------------------------------------------------------------------------
unit = os.path.join(DEPLOY, "systemd", "gb28181-gateway.service")
if shutil.which("systemd-analyze") is None:
    print(f"skip systemd-analyze not installed: {os.path.relpath(unit, DEPLOY)} not verified")
else:
    # verify also checks that ExecStart's binary exists, which it does not outside an install: verify a copy
    # whose ExecStart is /bin/true, so every other problem still fails the check.
    with tempfile.TemporaryDirectory(prefix="gb28181-unit-") as tmp:
        copy = os.path.join(tmp, os.path.basename(unit))
        with open(unit, encoding="utf-8") as src, open(copy, "w", encoding="utf-8") as dst:
            dst.write(re.sub(r"(?m)^ExecStart=.*$", "ExecStart=/bin/true", src.read()))
        p = subprocess.run(["systemd-analyze", "verify", copy], capture_output=True, text=True)
    if p.returncode != 0 or (p.stdout + p.stderr).strip():
        fail("systemd-analyze verify systemd/gb28181-gateway.service:\n" + p.stdout + p.stderr)
    else:
        ok("systemd-analyze verify systemd/gb28181-gateway.service (ExecStart replaced: no binary installed here)")

print()
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all deploy checks passed")
