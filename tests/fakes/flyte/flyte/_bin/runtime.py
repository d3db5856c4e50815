# What `a0` imports first; the real one imports flyte.syncify on the way.
import flyte.syncify  # noqa: F401
