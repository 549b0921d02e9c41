"""Runs a command in a pseudo-terminal and answers its questions, as a person at a terminal would.

Reads a JSON request on stdin: {"argv": [...], "env": {...}, "cwd": "...", "timeout": seconds,
"steps": [{"expect": "text", "send": "answer"}, ...]}. For each step it waits until `expect` appears in
the output after the previous match, then types `send` and Enter ("send": null types Ctrl-D). Prints one
JSON object: {"transcript": everything the terminal showed, "exitCode": n, "failedStep": index or null}.
"""
import json
import os
import pty
import select
import sys
import time

request = json.load(sys.stdin)
deadline = time.monotonic() + request.get("timeout", 60)
pid, fd = pty.fork()
if pid == 0:
    os.chdir(request["cwd"])
    os.execve(request["argv"][0], request["argv"], request["env"])

transcript = b""


def read_some(wait):
    global transcript
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready:
        return True
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return False
    if not chunk:
        return False
    transcript += chunk
    return True


failed_step = None
position = 0
for index, step in enumerate(request["steps"]):
    wanted = step["expect"].encode()
    while transcript.find(wanted, position) < 0:
        if time.monotonic() > deadline or not read_some(0.2):
            failed_step = index
            break
    if failed_step is not None:
        break
    position = transcript.find(wanted, position) + len(wanted)
    if step["send"] is None:
        os.write(fd, b"\x04")
    else:
        os.write(fd, step["send"].encode() + b"\r")

while time.monotonic() < deadline and read_some(0.2):
    pass
finished, status = os.waitpid(pid, os.WNOHANG)
grace = time.monotonic() + 5
while finished == 0 and time.monotonic() < grace:
    time.sleep(0.05)
    finished, status = os.waitpid(pid, os.WNOHANG)
if finished == 0:
    # Still running at the deadline: it hung (waiting for input it should not need, say).
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    exit_code = -1
else:
    exit_code = os.waitstatus_to_exitcode(status)
print(json.dumps({"transcript": transcript.decode("utf-8", "replace").replace("\r\n", "\n"), "exitCode": exit_code, "failedStep": failed_step}))
