# The shape the zygote relies on: a _BackgroundLoop has `loop`, `thread` (named), `stop()`
# (registered with atexit) and is made by `__init__(name)`, which starts the thread.
import asyncio
import atexit
import threading


class _BackgroundLoop:
    def __init__(self, name):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(name=name, target=self.loop.run_forever, daemon=True)
        self.thread.start()
        atexit.register(self.stop)

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=1)


class Syncify:
    def __init__(self, name):
        self._bg_loop = _BackgroundLoop(name)

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._bg_loop.loop).result(timeout=10)
