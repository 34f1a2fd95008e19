#!/usr/bin/python3
"""docker-py (the Debian python3-docker package, 5.x) against berthd.

Run by test/compat/docker-py.test.ts with DOCKER_HOST pointing at a test daemon that has busybox:latest.
Each check prints `ok <name>`; the first failure raises, which exits non-zero with a traceback.
"""
import sys
import threading
import time

import docker
from docker.errors import ContainerError, ImageNotFound, NotFound, APIError


def check(name):
    def wrap(fn):
        fn()
        print(f"ok {name}", flush=True)
        return fn
    return wrap


client = docker.from_env(timeout=60)
api = client.api


@check("api.version() and ping")
def _():
    v = api.version()
    assert v["ApiVersion"] == "1.50", v
    assert v["Os"] == "linux", v
    assert api.ping() is True
    # from_env negotiated nothing: docker-py uses the server's ApiVersion verbatim
    assert api.api_version == "1.50", api.api_version
    info = client.info()
    assert info["OSType"] == "linux", info


@check("containers.run() attached returns the logs")
def _():
    out = client.containers.run("busybox", ["sh", "-c", "echo hello; echo world"], remove=True)
    assert out == b"hello\nworld\n", out
    # stderr=True folds stderr into the returned bytes too
    both = client.containers.run("busybox", ["sh", "-c", "echo o; echo e >&2"], stdout=True, stderr=True, remove=True)
    assert sorted(both.split()) == [b"e", b"o"], both


@check("containers.run() with a failing command raises ContainerError with the exit status")
def _():
    try:
        client.containers.run("busybox", ["sh", "-c", "echo bad >&2; exit 7"], remove=True)
    except ContainerError as e:
        assert e.exit_status == 7, e.exit_status
        assert b"bad" in e.stderr, e.stderr
    else:
        raise AssertionError("no ContainerError")
    assert client.containers.list(all=True) == [], "remove=True leaves nothing"


@check("containers.run(detach=True), reload, attrs, exec_run, logs(stream=True)")
def _():
    c = client.containers.run("busybox", ["sh", "-c", "i=0; while true; do echo line$i; i=$((i+1)); sleep 0.2; done"],
                              detach=True, name="pyweb", labels={"suite": "py", "role": "web"}, environment={"FOO": "bar"})
    try:
        assert c.status == "created" or c.status == "running", c.status
        c.reload()
        assert c.status == "running", c.status
        assert c.name == "pyweb"
        assert c.labels == {"suite": "py", "role": "web"}, c.labels
        assert "FOO=bar" in c.attrs["Config"]["Env"], c.attrs["Config"]["Env"]
        assert c.image.tags == ["busybox:latest"], c.image.tags

        r = c.exec_run(["sh", "-c", "echo from-exec; echo $FOO; exit 4"])
        assert r.exit_code == 4, r
        assert r.output == b"from-exec\nbar\n", r.output
        r = c.exec_run("echo split", demux=True)
        assert r.exit_code == 0 and r.output == (b"split\n", None), r
        r = c.exec_run(["sh", "-c", "echo err >&2"], stdout=False, stderr=True)
        assert r.output == b"err\n", r.output
        r = c.exec_run("id -u", user="nobody")
        assert r.output.strip() == b"65534", r.output
        r = c.exec_run("pwd", workdir="/tmp")
        assert r.output == b"/tmp\n", r.output
        # a missing binary: the start error comes in-band on stdout, the exit code is 127 (dockerd's rule)
        r = c.exec_run("no-such-binary-py")
        assert r.exit_code == 127, r
        assert b"executable file not found" in r.output or b"no such file" in r.output, r.output

        # exec_run(stream=True) gives a generator of output chunks; exit code comes from exec inspect
        r = c.exec_run(["sh", "-c", "for i in 1 2 3; do echo s$i; sleep 0.1; done"], stream=True)
        assert b"".join(r.output) == b"s1\ns2\ns3\n"

        gen = c.logs(stream=True, follow=True)
        seen = b""
        deadline = time.time() + 10
        for chunk in gen:
            seen += chunk
            if b"line3\n" in seen or time.time() > deadline:
                break
        gen.close()
        assert seen.startswith(b"line0\nline1\n"), seen
        assert b"line3\n" in seen, seen

        tail = c.logs(tail=1)
        assert tail.startswith(b"line") and tail.count(b"\n") == 1, tail
        with_ts = c.logs(timestamps=True, tail=1)
        assert with_ts[:4].isdigit() and b"Z line" in with_ts, with_ts

        top = c.top()
        assert "PID" in top["Titles"], top
        stats = c.stats(stream=False)
        assert stats["memory_stats"]["usage"] > 0, stats["memory_stats"]
    finally:
        c.stop(timeout=1)
    c.reload()
    assert c.status == "exited", c.status
    assert c.attrs["State"]["ExitCode"] == 137 or c.attrs["State"]["ExitCode"] == 143, c.attrs["State"]
    c.remove()
    try:
        client.containers.get("pyweb")
    except NotFound:
        pass
    else:
        raise AssertionError("still there after remove")


@check("containers.list(filters=...)")
def _():
    a = client.containers.run("busybox", ["sleep", "300"], detach=True, name="pya", labels={"suite": "list", "role": "a"})
    b = client.containers.run("busybox", ["sleep", "300"], detach=True, name="pyb", labels={"suite": "list", "role": "b"})
    stopped = client.containers.create("busybox", ["true"], name="pyc", labels={"suite": "list", "role": "c"})
    try:
        names = sorted(c.name for c in client.containers.list(filters={"label": "suite=list"}))
        assert names == ["pya", "pyb"], names
        names = sorted(c.name for c in client.containers.list(all=True, filters={"label": ["suite=list"]}))
        assert names == ["pya", "pyb", "pyc"], names
        assert [c.name for c in client.containers.list(filters={"label": ["suite=list", "role=b"]})] == ["pyb"]
        assert [c.name for c in client.containers.list(filters={"name": "pya"})] == ["pya"]
        assert [c.id for c in client.containers.list(all=True, filters={"status": "created"})] == [stopped.id]
        assert [c.name for c in client.containers.list(filters={"id": a.id[:12]})] == ["pya"]
        assert [c.name for c in client.containers.list(all=True, filters={"ancestor": "busybox", "label": "role=c"})] == ["pyc"]
        # the low-level API returns the raw list items
        raw = api.containers(filters={"label": "role=a"})
        assert len(raw) == 1 and raw[0]["Names"] == ["/pya"] and raw[0]["State"] == "running", raw
        assert client.containers.get("pyb").id == b.id
    finally:
        for c in (a, b, stopped):
            c.remove(force=True)


@check("images.list/get/tag/remove")
def _():
    imgs = client.images.list()
    assert any("busybox:latest" in i.tags for i in imgs), imgs
    assert [i.tags for i in client.images.list(name="busybox")] == [["busybox:latest"]]
    img = client.images.get("busybox")
    assert img.id.startswith("sha256:"), img.id
    assert img.attrs["Os"] == "linux"
    assert len(img.history()) >= 1
    assert img.tag("localhost:5000/py/bb", tag="v1") is True
    assert client.images.get("localhost:5000/py/bb:v1").id == img.id
    img.reload()
    assert sorted(img.tags) == ["busybox:latest", "localhost:5000/py/bb:v1"], img.tags
    out = client.images.remove("localhost:5000/py/bb:v1")
    try:
        client.images.get("localhost:5000/py/bb:v1")
    except ImageNotFound:
        pass
    else:
        raise AssertionError("tag still there after remove")
    try:
        client.images.get("no-such-image-py")
    except ImageNotFound:
        pass
    else:
        raise AssertionError("ImageNotFound expected")
    # save and load round trip through the high-level API
    data = b"".join(img.save(named=True))
    assert len(data) > 1024
    client.images.get("busybox").tag("py-saved", tag="v2")
    client.images.remove("py-saved:v2")
    loaded = client.images.load(b"".join(client.images.get("busybox").save()))
    assert any(i.id == img.id for i in loaded), loaded


@check("events with since/until, and live events with decode")
def _():
    since = int(time.time()) - 1
    c = client.containers.run("busybox", ["true"], detach=True, name="pyev", labels={"evl": "1"})
    c.wait()
    c.remove()
    until = int(time.time()) + 1
    evs = list(client.events(since=since, until=until, decode=True, filters={"container": "pyev"}))
    actions = [e["Action"] for e in evs]
    for a in ("create", "start", "die", "destroy"):
        assert a in actions, actions
    die = next(e for e in evs if e["Action"] == "die")
    assert die["Actor"]["Attributes"]["exitCode"] == "0", die
    assert die["Actor"]["Attributes"]["evl"] == "1", die
    assert die["status"] == "die" and die["id"] == c.id, die

    # a live stream sees an event that happens after it started
    got = []
    stream = client.events(decode=True, filters={"type": "container", "event": "create"})

    def reader():
        for e in stream:
            got.append(e)
            break
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    time.sleep(0.3)
    live = client.containers.create("busybox", ["true"], name="pylive")
    t.join(10)
    stream.close()
    live.remove()
    assert got and got[0]["Actor"]["Attributes"]["name"] == "pylive", got


@check("errors map to docker-py exceptions")
def _():
    try:
        client.containers.get("no-such-container")
    except NotFound as e:
        assert "No such container" in str(e), str(e)
    c = client.containers.run("busybox", ["sleep", "300"], detach=True, name="pydup")
    try:
        try:
            client.containers.create("busybox", name="pydup")
        except APIError as e:
            assert e.status_code == 409, e
        else:
            raise AssertionError("409 expected")
    finally:
        c.remove(force=True)


print("docker-py checks passed", flush=True)
sys.exit(0)
