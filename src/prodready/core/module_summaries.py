"""Module summaries shared by the worker processes of one batch run.

Each worker of `prodready check` has its own `ProjectResolver` (core/crossmodule.py). When a
file asks what a name imported from another module is, that module is parsed and summarised
(`ModuleInfo`). The modules that are asked about are the same in every worker (a package's
``__init__``, its big core modules), so with two workers about half of those parses were the
same work done twice: on the benchmark corpus each worker parsed about 190 modules, 4.2 MB of
source, for lookups.

A worker that summarises a module for a lookup writes the summary into the run's folder; a
worker that needs a summary reads it from there before parsing. A summary is plain data
(dicts, tuples and strings) written with `marshal`, which builds no objects but those: nothing
read back can run code. It names the module's (mtime, size) stamp; one with another stamp, or
one that cannot be read, is ignored and the module is parsed. Files are written under a
temporary name and renamed, so a reader sees a whole summary or none. The folder is made
private by the run (`tempfile.mkdtemp`) and removed when the pool is done.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Optional

FORMAT = 1


class SummaryStore:
    """The run's folder of module summaries (one file per module path)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def _file(self, path: Path) -> str:
        name = hashlib.sha1(os.fsencode(path)).hexdigest()
        return os.path.join(self.folder, name)

    def get(self, path: Path, stamp) -> Optional[tuple]:
        """(bindings, definitions, stars) of the module at ``path`` as it was at ``stamp``."""
        try:
            with open(self._file(path), "rb") as handle:
                data = marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not (isinstance(data, tuple) and len(data) == 5 and data[0] == FORMAT and data[1] == str(path)):
            return None
        saved = data[2]
        if stamp is None or saved is None or tuple(saved) != tuple(stamp):
            return None
        return data[3], data[4][0], data[4][1]

    def put(self, info) -> None:
        """Share ``info`` (a parsed `ModuleInfo`); failing to write it only means others parse
        the module."""
        if info.stamp is None:
            return
        target = self._file(info.path)
        temporary = f"{target}.{os.getpid()}.tmp"
        try:
            with open(temporary, "wb") as handle:
                marshal.dump((FORMAT, str(info.path), tuple(info.stamp), info.bindings,
                              (info.definitions, info.stars)), handle)
            os.replace(temporary, target)
        except (OSError, ValueError):
            try:
                os.unlink(temporary)
            except OSError:
                pass
