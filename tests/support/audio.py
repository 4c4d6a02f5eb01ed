"""Listening to what we made, as a measuring instrument would: MP3 decoded by an independent decoder
(miniaudio's dr_mp3, not our encoder), loudness measured with pyloudnorm (ITU-R BS.1770), true peak on the
4× oversampled signal."""

from __future__ import annotations

import io

import miniaudio
import numpy as np
from mutagen.id3 import ID3

from proxy.speech.loudness import loudness, true_peak


def decode_mp3(data: bytes) -> tuple[np.ndarray, int]:
    """(float samples in −1..1, sample rate) of a mono MP3, decoded at its own rate."""
    info = miniaudio.mp3_get_info(data)
    sound = miniaudio.decode(data, output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1,
                             sample_rate=info.sample_rate)
    return np.asarray(sound.samples, dtype=np.float64), info.sample_rate


def measure(data: bytes) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of an MP3 file."""
    samples, rate = decode_mp3(data)
    return loudness(samples, rate), true_peak(samples)


def tags(data: bytes) -> ID3:
    return ID3(io.BytesIO(data))
