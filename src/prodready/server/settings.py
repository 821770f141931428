"""Configuration as the server sees it: editor settings merged over each folder's pyproject.

``[tool.prodready]`` of the nearest pyproject.toml (or prodready.toml) of each document's
folder is cached per folder, with the editor settings (``initializationOptions`` and
``workspace/configuration`` section ``prodready``: debounce, enable, select, ignore,
extend-select, severity, and any ``[tool.prodready]`` key) merged over it. A bad value is
reported with ``window/showMessage`` and the last good configuration stays in use.

`SettingsMixin` is one part of `ProdreadServer`; it uses the server's ``warn_user``,
``call_soon`` and ``log``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types

from prodready.core.config import Config, ConfigError
from prodready.core.crossmodule import ProjectResolver, find_root

CONFIG_FILES = ("pyproject.toml", "prodready.toml", ".prodready.toml")
# Editor settings that are not [tool.prodready] keys (the server or the extension uses them).
EDITOR_KEYS = {"enable", "debounce", "trace", "path", "interpreter", "importStrategy", "import-strategy",
               "args", "logLevel", "log-level", "showNotifications"}


class SettingsMixin:
    """Editor settings, per-folder configuration and the cross-module resolvers."""

    def apply_settings(self, settings: Any, where: str) -> bool:
        """Take editor settings (a dict); False (and a warning) when they are invalid."""
        if settings is None:
            return True
        if isinstance(settings, dict) and isinstance(settings.get("prodready"), dict):
            settings = settings["prodready"]
        if not isinstance(settings, dict):
            self.warn_user(f"prodready: {where}: expected an object of settings, got {type(settings).__name__}")
            return False
        debounce = settings.get("debounce", None)
        if debounce is not None:
            if isinstance(debounce, bool) or not isinstance(debounce, (int, float)) or debounce < 0:
                self.warn_user(f"prodready: {where} debounce: expected 0 or more milliseconds, got {debounce!r}")
                return False
        core = self._core_settings(settings)
        try:
            Config.from_mapping(core, where=f"{where}")  # validate now, to report it at once
        except ConfigError as exc:
            self.warn_user(f"prodready: invalid configuration: {exc}")
            return False
        self.settings = settings
        if debounce is not None:
            self.debounce_ms = int(debounce)
        enable = settings.get("enable", True)
        self.enabled = enable is not False
        return True

    @staticmethod
    def _core_settings(settings: dict) -> dict:
        core = {}
        for key, value in settings.items():
            if key in EDITOR_KEYS or value is None:
                continue
            normalized = key.replace("_", "-").lower()
            if normalized in {"select", "ignore", "extend-select", "extendselect"} and value in ([], "", ()):
                continue  # an empty editor list means "not set", not "no rules"
            if normalized == "severity" and value in ({},):
                continue
            core[key] = value
        return core

    def config_for(self, path: str) -> Config:
        """Effective configuration of a document (analysis thread; never raises).

        The pyproject configuration is cached per folder and re-read when a config file on the
        way up changes (a few ``stat`` calls per analysis), so edits to pyproject.toml apply
        even when the client has no file watcher.
        """
        folder = str(Path(path).parent) if os.path.isabs(path) else os.getcwd()
        stamp = _config_stamp(folder)
        with self._config_lock:
            cached = self._folder_configs.get(folder)
            settings = self.settings
        if cached is not None and cached[0] == stamp:
            base = cached[1]
        else:
            try:
                base = Config.discover(Path(folder)) if os.path.isdir(folder) else Config()
            except ConfigError as exc:
                self.call_soon(self.warn_user, f"prodready: invalid configuration, using the last good one: {exc}")
                base = None
            except Exception as exc:  # noqa: BLE001
                self.call_soon(self.warn_user, f"prodready: cannot read the configuration: {type(exc).__name__}: {exc}")
                base = None
            with self._config_lock:
                self._folder_configs[folder] = (stamp, base)
        if base is None:
            return self._last_good.get(folder, Config())
        try:
            config = Config.from_mapping(self._core_settings(settings), base=base, where="editor settings (prodready)")
        except ConfigError as exc:
            self.call_soon(self.warn_user, f"prodready: invalid configuration, using the last good one: {exc}")
            return self._last_good.get(folder, base)
        self._last_good[folder] = config
        return config

    def project_for(self, path: str, config: Config) -> Optional[ProjectResolver]:
        """The cross-module resolver (core/crossmodule.py) of the document's project: one per
        project root, shared by its documents (analysis thread)."""
        if not os.path.isabs(path):
            return None
        root = config.root or str(find_root(path))
        projects = self.__dict__.setdefault("_projects", {})
        project = projects.get(root)
        if project is None:
            project = projects[root] = ProjectResolver(root)
        return project

    def forget_configs(self) -> None:
        with self._config_lock:
            self._folder_configs.clear()

    async def fetch_settings(self) -> None:
        if not self.config_support:
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="prodready")]))
        except Exception as exc:  # noqa: BLE001
            self.log(f"workspace/configuration failed: {exc}", types.MessageType.Warning)
            return
        if result:
            self.apply_settings(result[0], "workspace/configuration prodready")

def _config_stamp(folder: str) -> tuple:
    """(path, mtime, size) of every config file from ``folder`` up to the root."""
    found = []
    current = Path(folder)
    for candidate in (current, *current.parents):
        for name in CONFIG_FILES:
            target = os.path.join(candidate, name)
            try:
                st = os.stat(target)
            except OSError:
                continue
            found.append((target, st.st_mtime_ns, st.st_size))
    return tuple(found)

