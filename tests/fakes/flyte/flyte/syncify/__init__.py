from flyte.syncify._api import Syncify

syncify = Syncify("fake_syncify")
