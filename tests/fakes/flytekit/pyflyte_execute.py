# A stand-in for flytekit's `pyflyte-execute` (tests/fakes/python_entry_point.h installs it with a
# `#!` line): it prints what it sees, sleeps for argv[2] seconds if given, and exits with argv[1].
import os
import sys
import time

print("imported before:", "flytekit.bin.entrypoint" in sys.modules)
print("argv:", sys.argv)
print("cwd:", os.getcwd())
print("env:", os.environ.get("FLYTE_INTERNAL_EXECUTION_ID"), os.environ.get("GREETING"))
print("sys.path[1:3]:", sys.path[1:3])
print("name:", __name__)
print("stdin:", repr(sys.stdin.read()), flush=True)
if len(sys.argv) > 2:
    time.sleep(float(sys.argv[2]))
sys.exit(int(sys.argv[1]))
