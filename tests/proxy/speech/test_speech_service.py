"""The speech service against the real engine (espeak-ng through pyttsx3): voices by language, WAV and MP3
that decode and last as long as Mandarin takes, concurrent jobs, and workers that hang or die."""

from __future__ import annotations

import asyncio
import ctypes.util
import io
import os
import shutil
import signal
import time
import wave
from array import array
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from multiprocessing import get_context

import pytest

from proxy.config import SpeechConfig
from proxy.errors import TooLarge
from proxy.speech.encode import mp3_info
from proxy.speech.service import SpeechFailed, SpeechService
from proxy.speech.voices import NoVoice, pick_voice
from transforms.article import Article
from transforms.speech.text import speech_text

HAVE_ESPEAK = bool(shutil.which("espeak-ng") or ctypes.util.find_library("espeak-ng"))
speech = pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")

ARTICLE_ONE = Article(url="https://kjt.example.gov.cn/1.html", title="示例省科技厅召开推进会",
                      source="成果转化处", published="2026-11-20",
                      content_html="<p>会议指出，今年一至十月，全省技术合同成交额持续增长。各地要围绕产业链部署创新链。"
                                   "全省新建中试基地十五家，累计达到八十六家，技术经理人队伍不断壮大。</p>")
ARTICLE_TWO = Article(url="https://kjt.example.gov.cn/2.html", title="关于开展科技特派员工作调研的通知",
                      content_html="<p>请各单位于十二月三十一日前报送年度工作总结，联系电话见附件。</p>")


@asynccontextmanager
async def service(**kw: object) -> AsyncIterator[SpeechService]:
    cfg = SpeechConfig(**{"workers": 1, "job_timeout": 10.0, **kw})  # type: ignore[arg-type]
    svc = SpeechService(cfg)
    await svc.start()
    try:
        yield svc
    finally:
        await svc.close()


def wav_params(data: bytes) -> tuple[int, int, float, float]:
    """(sample rate, channels, seconds, RMS level) of a WAV file."""
    with wave.open(io.BytesIO(data)) as w:
        frames = w.readframes(w.getnframes())
        samples = array("h", frames)
        rms = (sum(s * s for s in samples[::50]) / max(1, len(samples[::50]))) ** 0.5
        return w.getframerate(), w.getnchannels(), w.getnframes() / w.getframerate(), rms


# -- voice selection (pure: no engine needed) -------------------------------------------------------------

ESPEAK_VOICES = [{"id": "sit/cmn", "name": "Chinese (Mandarin, latin as English)", "languages": ["cmn"]},
                 {"id": "sit/cmn-latn-pinyin", "name": "Chinese (Mandarin, latin as Pinyin)",
                  "languages": ["cmn-latn-pinyin"]},
                 {"id": "gmw/en-us", "name": "English (America)", "languages": ["en-us"]}]
SAPI_VOICES = [{"id": r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_EN-US_ZIRA_11.0",
                "name": "Microsoft Zira Desktop - English (United States)", "languages": ["en_US"]},
               {"id": r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_ZH-CN_HUIHUI_11.0",
                "name": "Microsoft Huihui Desktop - Chinese (Simplified)", "languages": ["zh_CN"]}]
NSSS_VOICES = [{"id": "com.apple.voice.compact.en-US.Samantha", "name": "Samantha", "languages": ["en_US"]},
               {"id": "com.apple.voice.compact.zh-CN.Tingting", "name": "Tingting", "languages": ["zh_CN"]}]
VOICE_MAP = {"zh": "cmn-latn-pinyin", "en": "en-us", "yue": "yue"}


def test_pick_voice_on_espeak_uses_the_configured_voice() -> None:
    assert pick_voice(ESPEAK_VOICES, "zh", VOICE_MAP, "espeak") == "cmn-latn-pinyin"
    assert pick_voice(ESPEAK_VOICES, "en", VOICE_MAP, "espeak") == "en-us"


def test_pick_voice_on_espeak_refuses_what_is_not_configured_or_installed() -> None:
    with pytest.raises(NoVoice, match="'fr'.*speech.voices"):
        pick_voice(ESPEAK_VOICES, "fr", VOICE_MAP, "espeak")
    with pytest.raises(NoVoice, match="'yue' for language 'yue' is not installed"):
        pick_voice(ESPEAK_VOICES, "yue", VOICE_MAP, "espeak")


@pytest.mark.parametrize(("voices", "driver"), [(SAPI_VOICES, "sapi5"), (NSSS_VOICES, "nsss")])
def test_pick_voice_on_windows_and_macos_matches_the_language(voices: list[dict], driver: str) -> None:
    assert "ZH-CN" in pick_voice(voices, "zh", VOICE_MAP, driver).upper()
    assert "EN-US" in pick_voice(voices, "en", VOICE_MAP, driver).upper()
    with pytest.raises(NoVoice):
        pick_voice(voices, "de", VOICE_MAP, driver)


# -- the real engine ----------------------------------------------------------------------------------------


@speech
@pytest.mark.speech
async def test_start_up_detects_the_engine_and_voices() -> None:
    async with service() as svc:
        assert svc.available, svc.reason
        status = svc.status()
        assert status["driver"] == "espeak" and status["workers"] == 1
        assert status["voices"]["zh"] == "cmn-latn-pinyin" and status["voices"]["en"] == "en-us"
        assert svc.voice_for("zh") == "cmn-latn-pinyin"
        assert svc.voice_for("en") == "en-us"
        with pytest.raises(NoVoice) as err:
            svc.voice_for("tlh")
        assert "'tlh'" in err.value.en and "speech.voices" in err.value.en and err.value.status == 422


@speech
@pytest.mark.speech
async def test_a_missing_voice_or_disabled_speech_says_why() -> None:
    async with service(voices={"zh": "no-such-voice"}) as svc:
        assert not svc.available
        assert "no-such-voice" in svc.reason
        assert svc.status()["voices"] == {"zh": None}
    async with service(enabled=False) as svc:
        assert not svc.available and "speech.enabled" in svc.reason


@speech
@pytest.mark.speech
async def test_chinese_article_as_wav_and_mp3() -> None:
    text = speech_text(ARTICLE_ONE)
    async with service() as svc:
        wav = await svc.speak(text, 175, "wav")
        mp3 = await svc.speak(text, 175, "mp3")
    rate, channels, seconds, rms = wav_params(wav.data)
    assert (rate, channels) == (22050, 1)
    assert rms > 500  # speech, not silence
    chars = sum(len(s.spoken.strip("。，：")) for s in text.sentences)
    assert 3.0 <= chars / seconds <= 7.0, f"{chars} characters in {seconds:.1f}s"
    info = mp3_info(mp3.data)
    assert info["sample_rate"] == 22050
    assert abs(info["seconds"] - seconds) < 0.2
    assert len(mp3.data) < len(wav.data) / 5


@speech
@pytest.mark.speech
async def test_slower_rate_takes_longer() -> None:
    text = speech_text(ARTICLE_TWO)
    async with service() as svc:
        slow = await svc.speak(text, 120, "pcm")
        fast = await svc.speak(text, 250, "pcm")
    assert slow.seconds > fast.seconds * 1.4


@speech
@pytest.mark.speech
async def test_two_articles_at_once_both_come_out_right() -> None:
    """espeak-ng is not byte-for-byte repeatable (its noise sources), so each result is checked by its length
    against the same text made alone: within 3 %, while the two texts differ by far more."""
    one, two = speech_text(ARTICLE_ONE), speech_text(ARTICLE_TWO)
    async with service(workers=2) as svc:
        alone = [(await svc.speak(t, 175, "wav")).seconds for t in (one, two)]
        both = await asyncio.gather(*(svc.speak(t, 175, "wav") for t in (one, two, one, two)))
    assert abs(alone[0] - alone[1]) > 0.2 * min(alone)
    for audio, expected in zip(both, alone * 2, strict=True):
        rate, _, seconds, rms = wav_params(audio.data)
        assert rate == 22050 and rms > 500
        assert abs(seconds - expected) < 0.03 * expected, (seconds, expected)


@speech
@pytest.mark.speech
async def test_a_hung_worker_is_replaced_and_the_request_gets_a_clear_error() -> None:
    text = speech_text(ARTICLE_TWO)
    async with service(job_timeout=1.5) as svc:
        (pid,) = svc.worker_pids()
        os.kill(pid, signal.SIGSTOP)  # the engine stops answering
        start = time.monotonic()
        with pytest.raises(SpeechFailed) as err:
            await svc.speak(text, 175, "mp3")
        assert time.monotonic() - start < 4
        assert err.value.status == 503 and "took too long" in err.value.en
        audio = await svc.speak(text, 175, "mp3")  # waits for the fresh worker
        assert mp3_info(audio.data)["seconds"] > 1
        assert pid not in svc.worker_pids() and len(svc.worker_pids()) == 1


@speech
@pytest.mark.speech
async def test_a_worker_killed_during_a_job_fails_fast_and_is_replaced() -> None:
    text = speech_text(ARTICLE_TWO)
    async with service(job_timeout=30.0) as svc:
        (pid,) = svc.worker_pids()
        os.kill(pid, signal.SIGSTOP)
        job = asyncio.create_task(svc.speak(text, 175, "wav"))
        await asyncio.sleep(0.3)
        os.kill(pid, signal.SIGKILL)
        start = time.monotonic()
        with pytest.raises(SpeechFailed, match="stopped unexpectedly"):
            await job
        assert time.monotonic() - start < 5  # not the 30 s job timeout
        assert (await svc.speak(text, 175, "wav")).seconds > 1


@speech
@pytest.mark.speech
async def test_a_worker_that_died_while_idle_is_replaced_without_an_error() -> None:
    async with service() as svc:
        (pid,) = svc.worker_pids()
        os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.2)
        audio = await svc.speak(speech_text(ARTICLE_TWO), 175, "mp3")
        assert mp3_info(audio.data)["seconds"] > 1
        assert pid not in svc.worker_pids()


@speech
@pytest.mark.speech
async def test_workers_leave_no_scratch_files_behind_even_when_killed() -> None:
    """Each worker's utterance files live in a directory the service removes: a killed worker cannot."""
    async with service() as svc:
        (first,) = svc._workers
        assert os.listdir(first.tmp) == []  # the warm-up's file is gone once the engine is ready
        os.kill(first.pid, signal.SIGKILL)
        await asyncio.sleep(0.2)
        await svc.speak(speech_text(ARTICLE_TWO), 175, "wav")  # the dead worker noticed and replaced
        assert not os.path.exists(first.tmp)
        (second,) = svc._workers
        assert second is not first and os.path.isdir(second.tmp)
    assert not os.path.exists(second.tmp)


@speech
@pytest.mark.speech
async def test_text_longer_than_the_bound_is_refused_clearly() -> None:
    async with service(max_chars=20) as svc:
        with pytest.raises(TooLarge) as err:
            await svc.speak(speech_text(ARTICLE_ONE), 175, "mp3")
        assert err.value.status == 413 and "speech.max_chars" in err.value.en and "20" in err.value.zh


@speech
@pytest.mark.speech
async def test_latin_words_in_chinese_use_the_english_voice() -> None:
    text = speech_text(Article(url="u", title="符合WTO规则"))
    async with service() as svc:
        pieces = svc.pieces(text.sentences, text.lang)
        assert [(p.voice, p.text) for p in pieces] == [("cmn-latn-pinyin", "符合"), ("en-us", "WTO"),
                                                       ("cmn-latn-pinyin", "规则")]
        audio = await svc.speak(text, 175, "wav")
    assert audio.seconds > 1


class FailsFirstStart(SpeechService):
    """The engine's first start fails (as on a machine too busy at boot), later ones work."""

    spawns = 0

    async def _spawn(self):  # type: ignore[no-untyped-def]
        FailsFirstStart.spawns += 1
        if FailsFirstStart.spawns == 1:
            raise OSError("the speech worker did not start in time")
        return await super()._spawn()


@speech
@pytest.mark.speech
async def test_a_failed_start_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import proxy.speech.service

    monkeypatch.setattr(proxy.speech.service, "RETRY_FIRST", 0.1)
    svc = FailsFirstStart(SpeechConfig(workers=1, job_timeout=10.0))
    svc.start_soon()
    try:
        await svc.ready()  # the first attempt: failed, and says why
        assert not svc.available and "did not start" in svc.reason
        await asyncio.wait_for(svc.up.wait(), 60)
        assert svc.available and svc.reason == ""
        audio = await svc.speak(speech_text(ARTICLE_TWO), 175, "wav")
        assert wav_params(audio.data)[2] > 1.0
    finally:
        await svc.close()


def _utter_after_a_cancel(forced: bool) -> tuple[float, int]:
    """In a fresh process (the engine must not share one): the seconds of a title, after pyttsx3 was left with
    its stop flag set, as happens when runAndWait finds espeak's queue busy; and how many tries it took."""
    from proxy.speech import encode as audio_encode
    from proxy.speech.worker import Engine

    engine = Engine()
    engine.engine.proxy._driver._stopping = forced  # the state the driver leaves behind after such a cancel
    pcm, rate = engine.utter("cmn-latn-pinyin", "示例省科技厅召开二零二六年科技成果转化工作推进会", 175)
    tries = engine.serial  # one per utterance tried; the warm-up does not count
    engine.close()
    return len(audio_encode.trim_silence(pcm, rate)) / audio_encode.SAMPLE_WIDTH / rate, tries


@speech
@pytest.mark.speech
def test_an_utterance_the_engine_cancels_is_said_again() -> None:
    """A cancelled utterance used to come out as a fragment (a title as 0.07 s on a loaded machine)."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        clean_seconds, clean_tries = pool.submit(_utter_after_a_cancel, False).result(60)
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        seconds, tries = pool.submit(_utter_after_a_cancel, True).result(60)
    assert clean_tries == 1 and clean_seconds > 5
    assert tries == 2 and seconds == pytest.approx(clean_seconds, abs=0.05)
