"""The actions of the clickosv-proxy charm: a Click-on-OSv VM driven over its REST API (standard library only).

The same steps as the VNFM's agents (src/agent): click-plugin images are driven through /click_plugin/*
(stop, write_file, start, then `running` and `log`: HTTP 200 from start does not prove that Click started);
osv-controlsocket images get /func.click through OSv's file API and the new router through Click's
ControlSocket (WRITEDATA hotconfig), or a Click started by PUT /app/ when none answers.
"""

import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

CONFIG = "/func.click"


def tool(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


class Vm:
    def __init__(self, cfg):
        self.host = cfg.get("host") or ""
        if self.host == "":
            raise RuntimeError("no host: OSM's `config` primitive sets it (<rw_mgmt_ip>)")
        self.dialect = cfg.get("dialect") or "click-plugin"
        self.port = int(cfg.get("api-port") or 8000)
        self.cs_port = int(cfg.get("controlsocket-port") or 8001)
        self.grace = int(cfg.get("grace-ms") or 10000) / 1000
        self.interval = int(cfg.get("interval-ms") or 2000) / 1000
        self.deadline = int(cfg.get("deadline-ms") or 45000) / 1000

    def http(self, method, path, query=None, body=None, ctype=None):
        url = "http://%s:%d%s" % (self.host, self.port, path)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        req = urllib.request.Request(url, data=body, method=method)
        if ctype:
            req.add_header("Content-Type", ctype)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def wait_ready(self):
        """Polls GET /os/uptime until it answers, then waits until the VM has been up for the grace time."""
        end = time.time() + self.deadline
        while True:
            try:
                status, text = self.http("GET", "/os/uptime")
                if status == 200:
                    up = float(json.loads(text))
                    if up < self.grace:
                        time.sleep(self.grace - up)
                    return
            except (OSError, ValueError):
                pass
            if time.time() > end:
                raise RuntimeError("the REST API of %s:%d did not answer" % (self.host, self.port))
            time.sleep(self.interval)

    def control(self, line, data=b""):
        """One ControlSocket command; returns its status line (e.g. `200 Write handler 'hotconfig' OK`)."""
        with socket.create_connection((self.host, self.cs_port), timeout=10) as s:
            f = s.makefile("rwb")
            f.readline()  # Click::ControlSocket/1.3
            f.write(line.encode() + b"\r\n" + data)
            f.flush()
            return f.readline().decode().strip()

    def push(self, config):
        self.wait_ready()
        if self.dialect == "osv-controlsocket":
            return self.push_controlsocket(config)
        self.http("POST", "/click_plugin/stop")
        form = urllib.parse.urlencode({"path": CONFIG, "content": config}).encode()
        _, text = self.http("POST", "/click_plugin/write_file", body=form, ctype="application/x-www-form-urlencoded")
        if text.strip() != "OK!!":
            raise RuntimeError("write_file answered %r" % text)
        _, started = self.http("POST", "/click_plugin/start")
        return self.wait_running(started)

    def push_controlsocket(self, config):
        boundary = uuid.uuid4().hex
        body = (
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"func.click\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n%s\r\n--%s--\r\n" % (boundary, config, boundary)
        ).encode()
        status, text = self.http("POST", "/file/" + urllib.parse.quote(CONFIG, safe=""), body=body,
                                 ctype="multipart/form-data; boundary=" + boundary)
        if status != 200:
            raise RuntimeError("upload of %s answered HTTP %d: %s" % (CONFIG, status, text))
        data = config.encode()
        try:
            answer = self.control("WRITEDATA hotconfig %d" % len(data), data)
        except OSError:
            command = "/click -R -p %d %s" % (self.cs_port, CONFIG)
            status, text = self.http("PUT", "/app/", query={"command": command, "new_program": "true"})
            if status != 200:
                raise RuntimeError("PUT /app/ answered HTTP %d: %s" % (status, text))
            return self.wait_running("started: " + text)
        if not answer.startswith("2"):
            raise RuntimeError("hotconfig refused: %s" % answer)
        return "reconfigured: " + answer

    def running(self):
        if self.dialect == "osv-controlsocket":
            try:
                return self.control("READ version").startswith("2")
            except OSError:
                return False
        return self.http("GET", "/click_plugin/running")[1].strip() == "true"

    def log(self):
        if self.dialect == "osv-controlsocket":
            return self.http("GET", "/file/" + urllib.parse.quote("/click_errors.txt", safe=""), {"op": "GET"})[1]
        return self.http("GET", "/click_plugin/log")[1]

    def wait_running(self, what):
        end = time.time() + min(self.deadline, 15)
        while time.time() < end:
            if self.running():
                return what
            time.sleep(1)
        raise RuntimeError("Click does not run: %s" % self.log())


def run_action(name):
    try:
        vm = Vm(json.loads(tool("config-get", "--format=json")))
        if name == "push-click-config":
            config = json.loads(tool("action-get", "config", "--format=json"))
            tool("action-set", "output=%s" % vm.push(config))
        else:
            vm.wait_ready()
            running = vm.running()
            tool("action-set", "running=%s" % str(running).lower())
            if not running:
                tool("action-set", "log=%s" % vm.log()[-2000:])
    except Exception as e:  # every failure is the action's: OSM shows its message
        tool("action-fail", "%s: %s" % (name, e))
