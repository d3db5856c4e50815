# A fake of the flyte SDK (Flyte 2) for the zygote's tests: only what the zygote touches. Importing
# flyte.syncify starts a background event loop on a thread of its own, as the real SDK's does.
