"""AniRena: a torrent index for anime, manga, audio and related media."""

__version__ = "0.1.0"
