# The fake flytekit's entry point module: says when it is imported, and leaves a file `imported`
# in the folder the fake was installed into (<dir>/bin/flytekit/bin/entrypoint.py).
import os

print("flytekit imported early")
open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "imported"), "w").close()
