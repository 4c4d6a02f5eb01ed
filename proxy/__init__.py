"""a11y-proxy: accessible 长辈版 / 无障碍 / audio versions of Chinese government web pages."""

__version__ = "0.1.0"
