"""The gateway's HTTP client (httpx → httpcore) asks which async library runs on every request by importing
sniffio inside the call. Without sniffio installed that import fails each time and searches sys.path again."""

import importlib.abc
import sys

from httpcore._synchronization import current_async_library


class _Recorder(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.looked_up = []

    def find_spec(self, fullname, path, target=None):
        self.looked_up.append(fullname)
        return None  # let the real finders answer


async def test_asking_for_the_async_library_searches_for_no_module():
    current_async_library()  # the first call may import what is installed
    recorder = _Recorder()
    sys.meta_path.insert(0, recorder)
    try:
        for _ in range(3):
            assert current_async_library() == "asyncio"
    finally:
        sys.meta_path.remove(recorder)
    assert recorder.looked_up == []
