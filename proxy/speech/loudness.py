"""Even loudness from sentence to sentence and article to article: −16 LUFS integrated, true peak at most
−1 dBTP (the usual target for podcasts), measured with pyloudnorm (ITU-R BS.1770).

Integrated loudness is a property of a whole file, but a stream is sent before the file is whole. So each
sentence is normalised on its own: a text-to-speech voice is steady, a sentence at −16 LUFS next to another
at −16 LUFS makes a file at −16 LUFS (the pauses between them are silence, which the measurement's gate
leaves out), and the stream, the finished file and a single segment all agree. The tests measure the whole
file. espeak-ng's peaks sit about 18 dB above its loudness, more than the 15 dB the target allows, so a
gentle peak limiter (gain that dips over a few milliseconds around a peak, on 4× oversampled peaks, which
is what true peak means) makes room, and the gain is corrected once for what the limiter took away.

Runs in the speech worker process (numpy and scipy work, never on the server's event loop).
"""

from __future__ import annotations

from functools import cache

import numpy as np

TRUE_PEAK_DBTP = -1.0
CEILING_DBTP = -2.5  # our own ceiling: MP3 encoding lifts true peaks by up to 1 dB (measured by bench/speech.py)
MIN_SECONDS = 0.4  # one gating block of BS.1770; shorter sentences are measured repeated
HOLD = 0.01  # seconds the limiter's gain stays down around a peak (each side)
OVERSAMPLE = 4
MAKE_UP_ROUNDS = 2


@cache
def _meter(rate: int):  # type: ignore[no-untyped-def]
    import pyloudnorm

    return pyloudnorm.Meter(rate)


def loudness(x: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS of float samples (−inf for silence)."""
    if len(x) < MIN_SECONDS * rate:
        x = np.tile(x, int(np.ceil(MIN_SECONDS * rate / max(1, len(x)))) + 1)
    return float(_meter(rate).integrated_loudness(x))


def true_peak(x: np.ndarray) -> float:
    """True peak in dBTP: the highest of the 4× oversampled signal."""
    from scipy.signal import resample_poly

    peak = float(np.abs(resample_poly(x, OVERSAMPLE, 1)).max()) if len(x) else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def _limit(x: np.ndarray, rate: int, ceiling_db: float) -> np.ndarray:
    """Gain below 1 wherever a (true) peak would pass the ceiling: the gain each sample needs, held for
    HOLD either side (a running minimum), then smoothed by a moving average no wider than the hold, which
    keeps it at or below what every sample needs."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d
    from scipy.signal import resample_poly

    ceiling = 10 ** (ceiling_db / 20)
    peaks = np.abs(resample_poly(x, OVERSAMPLE, 1))[: len(x) * OVERSAMPLE].reshape(-1, OVERSAMPLE).max(axis=1)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
    if need.min() >= 1.0:
        return x
    hold = max(1, int(HOLD * rate))
    gain = uniform_filter1d(minimum_filter1d(need, size=2 * hold + 1), size=hold | 1)
    return x * gain


def normalise(pcm: bytes, rate: int, target_lufs: float) -> bytes:
    """16-bit mono PCM at `target_lufs` with true peaks at or below CEILING_DBTP. Silence is left alone."""
    x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2").astype(np.float64) / 32768.0
    measured = loudness(x, rate)
    if not np.isfinite(measured):
        return pcm
    y = x * 10 ** ((target_lufs - measured) / 20)
    for ceiling in (CEILING_DBTP, CEILING_DBTP - 0.5, CEILING_DBTP - 1.0):
        limited = _limit(y, rate, ceiling)
        for _ in range(MAKE_UP_ROUNDS):  # make up for what the limiter took, then limit again
            now = loudness(limited, rate)
            if not np.isfinite(now) or abs(now - target_lufs) < 0.1:
                break
            limited = _limit(limited * 10 ** ((target_lufs - now) / 20), rate, ceiling)
        if true_peak(limited) <= CEILING_DBTP + 0.05:
            break
    return (np.clip(limited, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2").tobytes()


def warm_up(rate: int = 22050) -> None:
    """Load numpy, scipy and pyloudnorm and run each once (half a second of a tone)."""
    tone = (np.sin(np.arange(rate // 2) * 2 * np.pi * 440 / rate) * 8000).astype("<i2").tobytes()
    normalise(tone, rate, -16.0)
