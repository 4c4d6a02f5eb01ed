"""PCM (16-bit mono) → WAV or MP3 bytes, and back again for checks. MP3 through lameenc, so no ffmpeg.

Speech at 22 kHz mono needs little: 48 kbit/s MP3 is clear and about 360 KB a minute.
"""

from __future__ import annotations

import io
import wave
from array import array

import lameenc

FORMATS = ("mp3", "wav")
MEDIA_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}
MP3_KBPS = 48
# What the MP3 encoder's low-pass takes from BS.1770 loudness (its K-weighting favours the highs it cuts),
# measured on the sample column by bench/speech.py: 48 kbit/s speech comes out 0.5 LU quieter than its PCM.
MP3_LOUDNESS_LOSS = 0.5
SAMPLE_WIDTH = 2


def wav_bytes(pcm: bytes, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(rate)
        w.writeframes(pcm)
    return out.getvalue()


def read_wav(data: bytes) -> tuple[bytes, int]:
    """(16-bit mono PCM, sample rate) of a WAV file; anything else is refused (we never resample)."""
    with wave.open(io.BytesIO(data), "rb") as w:
        if w.getsampwidth() != SAMPLE_WIDTH or w.getnchannels() != 1:
            raise ValueError(f"unsupported WAV: {w.getnchannels()} channels, {8 * w.getsampwidth()} bits")
        return w.readframes(w.getnframes()), w.getframerate()


def mp3_bytes(pcm: bytes, rate: int, kbps: int = MP3_KBPS) -> bytes:
    enc = lameenc.Encoder()
    enc.set_bit_rate(kbps)
    enc.set_in_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(5)  # 2 is best and slowest; speech does not need it
    return bytes(enc.encode(pcm) + enc.flush())


def encode(pcm: bytes, rate: int, fmt: str) -> bytes:
    if fmt == "wav":
        return wav_bytes(pcm, rate)
    if fmt == "mp3":
        return mp3_bytes(pcm, rate)
    raise ValueError(f"unknown audio format {fmt!r}")


def silence(seconds: float, rate: int) -> bytes:
    return bytes(SAMPLE_WIDTH * int(seconds * rate))


def trim_silence(pcm: bytes, rate: int, threshold: int = 200, margin: float = 0.02) -> bytes:
    """Cut the engine's lead-in and end pause, so that the pauses between pieces are ours to set."""
    samples = array("h", pcm[: len(pcm) - len(pcm) % 2])
    start, end = 0, len(samples)
    while start < end and abs(samples[start]) < threshold:
        start += 1
    while end > start and abs(samples[end - 1]) < threshold:
        end -= 1
    keep = int(margin * rate)
    return samples[max(0, start - keep): min(len(samples), end + keep)].tobytes()


# MPEG audio frame header tables (ISO 11172-3 / 13818-3), layer III only.
_KBPS = {1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
         2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]}
_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def mp3_info(data: bytes) -> dict[str, float]:
    """Walk the MP3 frame headers: frame count, sample rate and playing time, without decoding.
    Raises ValueError at the first byte that is not a valid frame (so a broken file is noticed)."""
    pos = 0
    if data[:3] == b"ID3":
        pos = 10 + ((data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9])
    frames = 0
    samples = 0
    rate = 0
    while pos + 4 <= len(data):
        b1, b2 = data[pos + 1], data[pos + 2]
        if data[pos] != 0xFF or (b1 & 0xE0) != 0xE0:
            raise ValueError(f"no MP3 frame at byte {pos}")
        version = (b1 >> 3) & 3  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
        layer = (b1 >> 1) & 3
        bitrate_i, rate_i, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
        if version == 1 or layer != 1 or bitrate_i in (0, 15) or rate_i == 3:
            raise ValueError(f"not a layer III frame at byte {pos}")
        rate = _RATES[version][rate_i]
        kbps = _KBPS[1 if version == 3 else 2][bitrate_i]
        per_frame = 1152 if version == 3 else 576
        size = (per_frame // 8 * kbps * 1000) // rate + padding
        frames += 1
        samples += per_frame
        pos += size
    if frames == 0:
        raise ValueError("no MP3 frames")
    return {"frames": frames, "sample_rate": rate, "seconds": samples / rate}
