"""The application's keys (a leaf of `proxy.app`): what create_app puts on the app, for routes and
middlewares to read without importing the server."""

from __future__ import annotations

from aiohttp import web

from ..config import Config
from ..forward.status import ForwardStatus
from ..metrics import Metrics
from ..pages.service import PageService
from ..speech.service import SpeechService
from .access_log import AccessLog
from .audio_files import AudioFiles

CONFIG = web.AppKey("config", Config)
SERVICES = web.AppKey("services", PageService)  # the page service every door shares
METRICS = web.AppKey("metrics", Metrics)
ACCESS_LOG = web.AppKey("access_log", AccessLog)
SPEECH = web.AppKey("speech", SpeechService)
FORWARD = web.AppKey("forward", ForwardStatus)  # the browser-proxy door: running or why not, its CA
STATIC = web.AppKey("static", dict)  # our own asset files by name: (bytes, content type), read at start
AUDIO_FILES = web.AppKey("audio_files", AudioFiles)  # whole-article audio: the disk cache and running productions
