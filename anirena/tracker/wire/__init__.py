"""Encoding and decoding of tracker messages: bencoding, HTTP queries, UDP packets."""
